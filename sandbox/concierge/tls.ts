/**
 * A throwaway certificate authority for peers that serve TLS (Pebble's ACME and management
 * listeners): keys from node:crypto (fast), certificates signed with node-forge.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface TestCa {
  certPem: string;
  keyPem: string;
  /** A server certificate for these DNS names / IP addresses, signed by this CA. */
  issue(names: string[]): { certPem: string; keyPem: string };
}

function rsaKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    keyPem: privateKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
  };
}

function baseCert(publicKey: forge.pki.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  return cert;
}

export function createTestCa(commonName = 'Atelier test CA'): TestCa {
  const ca = rsaKeyPair();
  const caCert = baseCert(ca.publicKey, 30);
  const subject = [{ name: 'commonName', value: commonName }];
  caCert.setSubject(subject);
  caCert.setIssuer(subject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    certPem: forge.pki.certificateToPem(caCert),
    keyPem: ca.keyPem,
    issue(names) {
      const leaf = rsaKeyPair();
      const cert = baseCert(leaf.publicKey, 30);
      cert.setSubject([{ name: 'commonName', value: names[0] ?? 'localhost' }]);
      cert.setIssuer(caCert.subject.attributes);
      const altNames = names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 7, ip: n } : { type: 2, value: n }));
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ]);
      cert.sign(ca.privateKey, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(cert), keyPem: leaf.keyPem };
    },
  };
}
