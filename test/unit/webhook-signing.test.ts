import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../activities/shared/webhook-signing.js';

const secret = 'whsec_0123456789abcdef';
const body = JSON.stringify({ event: 'monitor.down', site: 'https://example.fr' });

describe('webhook signatures', () => {
  it('verifies its own signature within the tolerance', () => {
    const header = sign(secret, body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verify(secret, body, header, 1_700_000_100)).toEqual({ ok: true, timestamp: 1_700_000_000 });
  });

  it('refuses a changed body, another secret, a stale timestamp and a malformed header', () => {
    const header = sign(secret, body, 1_700_000_000);
    expect(verify(secret, body + ' ', header, 1_700_000_000)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify('whsec_another_secret_00', body, header, 1_700_000_000)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(secret, body, header, 1_700_000_301)).toEqual({ ok: false, reason: 'stale' });
    expect(verify(secret, body, 'v1=abc', 1_700_000_000)).toEqual({ ok: false, reason: 'malformed' });
    expect(verify(secret, body, undefined, 1_700_000_000)).toEqual({ ok: false, reason: 'malformed' });
    expect(verify(secret, body, 't=1700000000,v1=zz', 1_700_000_000)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const good = sign(secret, body, 1_700_000_000).split('v1=')[1];
    expect(verify(secret, body, `t=1700000000,v1=${'0'.repeat(64)},v1=${good}`, 1_700_000_000).ok).toBe(true);
  });
});
