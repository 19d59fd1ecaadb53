/**
 * Extracts an uploaded site archive (zip) safely: entry names are checked before anything is
 * written (no `..` segment, no absolute or drive path, no backslash, no symlink or special file),
 * the number of files and the bytes actually inflated are capped (the sizes a zip declares are not
 * trusted), and everything lands in a temporary folder that is moved into place only when the
 * whole archive passed. A single top-level folder is unwrapped; the site must have an index.html.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import yauzl from 'yauzl';
import { textOf } from '../../core/text-of.js';

export interface ArchiveLimits {
  maxFiles: number;
  /** Total bytes once inflated. */
  maxUnpackedBytes: number;
}

export type ArchiveErrorCode = 'not-a-zip' | 'unsafe-path' | 'symlink' | 'too-many-files' | 'too-large' | 'no-index';

export class ArchiveError extends Error {
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** Why an entry name is refused, or null when it is a safe relative path. */
export function unsafeEntryReason(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.includes('\\')) return 'backslash in path';
  if (name.includes('\0')) return 'NUL in path';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'absolute path';
  const segments = name.split('/');
  if (segments.some((s) => s === '..')) return 'parent-directory segment';
  const normalized = posix.normalize(name);
  if (normalized.startsWith('../') || normalized === '..' || posix.isAbsolute(normalized)) return 'escapes the archive root';
  return null;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function entryKind(entry: yauzl.Entry): 'file' | 'dir' | 'other' {
  const isDirName = entry.fileName.endsWith('/');
  const madeBy = entry.versionMadeBy >> 8;
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  if (madeBy === 3 && mode !== 0) {
    // Unix attributes: only regular files and directories
    const type = mode & S_IFMT;
    if (type === S_IFDIR) return 'dir';
    if (type === S_IFREG) return isDirName ? 'dir' : 'file';
    return 'other';
  }
  return isDirName ? 'dir' : 'file';
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) =>
      err ? reject(new ArchiveError('not-a-zip', `not a readable zip archive: ${err.message}`)) : resolve(zip),
    ),
  );
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
}

/** Extracts `zipPath` into `destDir` (replaced atomically). Returns the files written. */
export async function extractSiteArchive(zipPath: string, destDir: string, limits: ArchiveLimits): Promise<{ files: string[]; bytes: number }> {
  await mkdir(dirname(destDir), { recursive: true });
  const staging = await mkdtemp(join(dirname(destDir), '.extract-'));
  try {
    const zip = await openZip(zipPath);
    const files: string[] = [];
    let bytes = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (e: unknown) => {
          zip.close();
          reject(e instanceof Error ? e : new Error(textOf(e)));
        };
        zip.on('error', (e: Error) => {
          if (e instanceof ArchiveError) return fail(e);
          // yauzl's own file-name checks (it refuses ../, absolute paths and backslashes too)
          if (/relative path|absolute path|invalid characters in fileName/i.test(e.message))
            return fail(new ArchiveError('unsafe-path', `refused entry: ${e.message}`));
          fail(new ArchiveError('not-a-zip', e.message));
        });
        zip.on('end', () => resolve());
        zip.on('entry', (entry: yauzl.Entry) => {
          void (async () => {
            const reason = unsafeEntryReason(entry.fileName);
            if (reason) throw new ArchiveError('unsafe-path', `refused entry "${entry.fileName}": ${reason}`);
            const kind = entryKind(entry);
            if (kind === 'other') throw new ArchiveError('symlink', `refused entry "${entry.fileName}": symbolic links and special files are not allowed`);
            const target = join(staging, posix.normalize(entry.fileName));
            if (!target.startsWith(staging + '/')) throw new ArchiveError('unsafe-path', `refused entry "${entry.fileName}": escapes the archive root`);
            if (kind === 'dir') {
              await mkdir(target, { recursive: true });
            } else {
              if (files.length + 1 > limits.maxFiles) throw new ArchiveError('too-many-files', `more than ${limits.maxFiles} files`);
              if (bytes + entry.uncompressedSize > limits.maxUnpackedBytes)
                throw new ArchiveError('too-large', `more than ${limits.maxUnpackedBytes} bytes once unpacked`);
              await mkdir(dirname(target), { recursive: true });
              const counter = new Transform({
                transform(chunk: Buffer, _enc, cb) {
                  bytes += chunk.length;
                  if (bytes > limits.maxUnpackedBytes) cb(new ArchiveError('too-large', `more than ${limits.maxUnpackedBytes} bytes once unpacked`));
                  else cb(null, chunk);
                },
              });
              await pipeline(await openEntry(zip, entry), counter, createWriteStream(target, { flags: 'wx', mode: 0o644 }));
              files.push(posix.normalize(entry.fileName));
            }
            zip.readEntry();
          })().catch(fail);
        });
        zip.readEntry();
      });
    } finally {
      zip.close();
    }
    // unwrap a single top-level folder (site.zip -> site/index.html)
    let root = staging;
    const top = await readdir(staging);
    if (top.length === 1 && (await stat(join(staging, top[0]!))).isDirectory()) root = join(staging, top[0]!);
    const rel = root === staging ? files : files.map((f) => f.slice(top[0]!.length + 1));
    if (!rel.includes('index.html')) throw new ArchiveError('no-index', 'the archive has no index.html at its root');
    await rm(destDir, { recursive: true, force: true });
    await rename(root, destDir);
    return { files: rel.sort(), bytes };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
