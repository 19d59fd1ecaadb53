/** A test CA and the certificates the audit fixtures serve, made with node-forge (keys from node:crypto, which is faster). */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface Pem {
  key: string;
  cert: string;
}

function rsaKey(): { forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  return { forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

const serial = () => forge.util.bytesToHex(forge.random.getBytesSync(9)).replace(/^[89a-f]/, '1');
const DAY = 86_400_000;

export interface TestCa extends Pem {
  issue(names: string[], opts?: { notBefore?: Date; notAfter?: Date }): Pem;
}

export function createTestCa(name = 'Atelier Audit Test CA'): TestCa {
  const ca = rsaKey();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = new Date(Date.now() - DAY);
  caCert.validity.notAfter = new Date(Date.now() + 365 * DAY);
  const caSubject = [
    { name: 'commonName', value: name },
    { name: 'organizationName', value: 'Atelier Test' },
  ];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  caCert.sign(ca.forgeKey, forge.md.sha256.create());
  const leafKey = rsaKey(); // one key for every leaf: the tests are about certificates, not keys

  return {
    key: ca.pem,
    cert: forge.pki.certificateToPem(caCert),
    issue(names, opts = {}) {
      const c = forge.pki.createCertificate();
      c.publicKey = leafKey.publicKey;
      c.serialNumber = serial();
      c.validity.notBefore = opts.notBefore ?? new Date(Date.now() - DAY);
      c.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 90 * DAY);
      c.setSubject([{ name: 'commonName', value: names[0]! }]);
      c.setIssuer(caSubject);
      c.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
      ]);
      c.sign(ca.forgeKey, forge.md.sha256.create());
      return { key: leafKey.pem, cert: forge.pki.certificateToPem(c) };
    },
  };
}

/** A certificate signed by its own key (no CA). */
export function selfSigned(names: string[]): Pem {
  const k = rsaKey();
  const c = forge.pki.createCertificate();
  c.publicKey = k.publicKey;
  c.serialNumber = serial();
  c.validity.notBefore = new Date(Date.now() - DAY);
  c.validity.notAfter = new Date(Date.now() + 90 * DAY);
  const subject = [{ name: 'commonName', value: names[0]! }];
  c.setSubject(subject);
  c.setIssuer(subject);
  c.setExtensions([{ name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) }]);
  c.sign(k.forgeKey, forge.md.sha256.create());
  return { key: k.pem, cert: forge.pki.certificateToPem(c) };
}
