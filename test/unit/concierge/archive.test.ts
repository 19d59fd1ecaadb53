import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveError, extractSiteArchive, unsafeEntryReason } from '../../../activities/concierge/archive.js';
import { makeZip, type ZipEntry } from '../../support/zip.js';

const tmp = mkdtempSync(join(tmpdir(), 'concierge-archive-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const limits = { maxFiles: 10, maxUnpackedBytes: 10_000 };
let n = 0;

async function extract(entries: ZipEntry[], l = limits) {
  const zip = join(tmp, `a${++n}.zip`);
  writeFileSync(zip, makeZip(entries));
  const dest = join(tmp, `site${n}`);
  return { dest, result: extractSiteArchive(zip, dest, l) };
}

async function refused(entries: ZipEntry[], code: string, l = limits) {
  const { dest, result } = await extract(entries, l);
  const err = await result.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveError);
  expect((err as ArchiveError).code).toBe(code);
  expect(existsSync(dest)).toBe(false);
  // nothing left behind: no staging folder, nothing written outside
  expect(readdirSync(tmp).filter((f) => f.startsWith('.extract-'))).toEqual([]);
  expect(existsSync(join(tmp, 'evil.txt'))).toBe(false);
}

describe('site archive extraction', () => {
  it('extracts a site, unwrapping a single top folder', async () => {
    const { dest, result } = await extract([
      { name: 'site/' },
      { name: 'site/index.html', data: '<title>Hi</title>' },
      { name: 'site/css/style.css', data: 'body{}' },
    ]);
    expect(await result).toEqual({ files: ['css/style.css', 'index.html'], bytes: 23 });
    expect(readFileSync(join(dest, 'index.html'), 'utf8')).toBe('<title>Hi</title>');
    expect(readFileSync(join(dest, 'css/style.css'), 'utf8')).toBe('body{}');
  });

  it('replaces a previous upload', async () => {
    const zip1 = join(tmp, 'r1.zip');
    const zip2 = join(tmp, 'r2.zip');
    writeFileSync(
      zip1,
      makeZip([
        { name: 'index.html', data: 'one' },
        { name: 'old.html', data: 'x' },
      ]),
    );
    writeFileSync(zip2, makeZip([{ name: 'index.html', data: 'two' }]));
    const dest = join(tmp, 'replaced');
    await extractSiteArchive(zip1, dest, limits);
    await extractSiteArchive(zip2, dest, limits);
    expect(readdirSync(dest)).toEqual(['index.html']);
    expect(readFileSync(join(dest, 'index.html'), 'utf8')).toBe('two');
  });

  it('refuses ../ paths, absolute paths and backslashes', async () => {
    await refused(
      [
        { name: 'index.html', data: 'x' },
        { name: '../evil.txt', data: 'x' },
      ],
      'unsafe-path',
    );
    await refused(
      [
        { name: 'a/../../evil.txt', data: 'x' },
        { name: 'index.html', data: 'x' },
      ],
      'unsafe-path',
    );
    await refused([{ name: '/etc/evil.txt', data: 'x' }], 'unsafe-path');
    await refused([{ name: '..\\evil.txt', data: 'x' }], 'unsafe-path');
    expect(unsafeEntryReason('C:/x')).toBe('absolute path');
    expect(unsafeEntryReason('a/b/./c.html')).toBeNull();
  });

  it('refuses symlinks', async () => {
    await refused(
      [
        { name: 'index.html', data: 'x' },
        { name: 'link', data: '/etc/passwd', mode: 0o120777 },
      ],
      'symlink',
    );
  });

  it('caps the file count and the inflated size, whatever the headers declare', async () => {
    await refused(
      Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.html`, data: 'x' })),
      'too-many-files',
    );
    await refused([{ name: 'index.html', data: 'a'.repeat(20_000) }], 'too-large');
    // a header that understates the size: yauzl's size validation or our own byte count stops it
    const { result } = await extract([{ name: 'index.html', data: 'a'.repeat(50_000), declaredSize: 10 }]);
    await expect(result).rejects.toThrow();
  });

  it('requires an index.html and a real zip', async () => {
    await refused([{ name: 'about.html', data: 'x' }], 'no-index');
    const bad = join(tmp, 'bad.zip');
    writeFileSync(bad, 'not a zip');
    await expect(extractSiteArchive(bad, join(tmp, 'bad'), limits)).rejects.toMatchObject({ code: 'not-a-zip' });
  });
});
