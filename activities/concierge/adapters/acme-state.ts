/**
 * What the ACME adapter keeps on disk, with tight permissions (folders 0700, files 0600): the
 * account key per directory URL, and the last certificate issued per set of names (so a retried
 * activity returns it instead of ordering again). Files appear atomically (written aside, then
 * linked into place), so two workers racing create one account key, not two.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoredCertificate {
  directoryUrl: string;
  domains: string[];
  certPem: string;
  keyPem: string;
  notAfter: string;
}

const key = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);

async function ensureDir(dir: string) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function createAcmeState(stateDir: string) {
  const accounts = join(stateDir, 'accounts');
  const certs = join(stateDir, 'certs');
  return {
    /** The account key for this directory, created once (the first writer wins). */
    async accountKey(directoryUrl: string, create: () => Promise<string>): Promise<string> {
      await ensureDir(accounts);
      const path = join(accounts, `${key(directoryUrl)}.key.pem`);
      const existing = await readOrNull(path);
      if (existing) return existing;
      const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, await create(), { mode: 0o600, flag: 'wx' });
      try {
        await link(tmp, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        await unlink(tmp);
      }
      return readFile(path, 'utf8');
    },

    accountKeyPath(directoryUrl: string): string {
      return join(accounts, `${key(directoryUrl)}.key.pem`);
    },

    async lastCertificate(directoryUrl: string, domains: string[]): Promise<StoredCertificate | null> {
      const raw = await readOrNull(join(certs, `${key(`${directoryUrl}|${[...domains].sort().join(',')}`)}.json`));
      return raw ? (JSON.parse(raw) as StoredCertificate) : null;
    },

    async saveCertificate(cert: StoredCertificate): Promise<void> {
      await ensureDir(certs);
      const path = join(certs, `${key(`${cert.directoryUrl}|${[...cert.domains].sort().join(',')}`)}.json`);
      const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, JSON.stringify(cert), { mode: 0o600, flag: 'wx' });
      await rename(tmp, path);
    },
  };
}

export type AcmeState = ReturnType<typeof createAcmeState>;
