import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { findGoPeers } from '../../sandbox/concierge/go-peers.js';
import { ensureGoPeers } from '../../scripts/lib/go-peers.js';

describe('Go peers provisioning', () => {
  it('uses explicit paths and builds nothing when every peer is there', () => {
    const logs: string[] = [];
    const env = { STRIPE_MOCK_PATH: '/bin/true', PEBBLE_PATH: '/bin/true', CHALLTESTSRV_PATH: '/bin/true', PATH: '' };
    expect(ensureGoPeers(env, (m) => logs.push(m))).toEqual({ stripeMock: '/bin/true', pebble: '/bin/true', challtestsrv: '/bin/true' });
    expect(logs).toEqual([]);
  });

  it('ignores an explicit path that is not executable and falls back to .tools/bin (provisioned by the global setup)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-gopeers-'));
    const notExecutable = join(dir, 'pebble');
    writeFileSync(notExecutable, 'not a program', { mode: 0o644 });
    try {
      expect(findGoPeers({ PEBBLE_PATH: notExecutable }).pebble).toBe(inject('pebble'));
      expect(inject('pebble')).toMatch(/\/\.tools\/bin\/pebble$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not try to build when told to skip', () => {
    const logs: string[] = [];
    const env = { STRIPE_MOCK_PATH: '/nonexistent', ATELIER_SKIP_GO_PEERS: '1', PATH: '' };
    const res = ensureGoPeers(env, (m) => logs.push(m));
    expect(logs.filter((l) => l.startsWith('go install'))).toEqual([]);
    expect(res.stripeMock).toBe(inject('stripeMock'));
  });
});
