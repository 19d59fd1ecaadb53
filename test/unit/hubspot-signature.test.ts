import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeSignedUri, signHubSpotV3, verifyHubSpotV3 } from '../../activities/sync/hubspot-signature.js';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const URI = 'https://atelier.example/v1/webhooks/hubspot';
const BODY = '[{"eventId":1,"subscriptionType":"contact.propertyChange","objectId":123}]';
const NOW = 1_763_700_000_000;

describe('HubSpot signature v3', () => {
  it('is base64 HMAC-SHA256 of method + uri + body + timestamp', () => {
    const expected = createHmac('sha256', SECRET).update(`POST${URI}${BODY}${NOW}`).digest('base64');
    expect(signHubSpotV3(SECRET, 'post', URI, BODY, NOW)).toBe(expected);
  });

  it('decodes the characters HubSpot decodes before signing, and only those', () => {
    expect(normalizeSignedUri('https://h/x%3Fa%3Db?q=%40me%2Cyou%20there')).toBe('https://h/x?a%3Db?q=@me,you%20there');
  });

  const sig = signHubSpotV3(SECRET, 'POST', URI, BODY, NOW);
  const base = { secret: SECRET, method: 'POST', uri: URI, rawBody: BODY, signature: sig, timestamp: String(NOW), nowMs: NOW + 1_000 };

  it('accepts a fresh, correct signature', () => {
    expect(verifyHubSpotV3(base)).toEqual({ ok: true, timestamp: NOW });
  });

  it('refuses a body, uri, method or secret that differs', () => {
    expect(verifyHubSpotV3({ ...base, rawBody: `${BODY} ` })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyHubSpotV3({ ...base, uri: `${URI}?x=1` })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyHubSpotV3({ ...base, method: 'PUT' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyHubSpotV3({ ...base, secret: 'other' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyHubSpotV3({ ...base, signature: 'c2hvcnQ=' })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a timestamp older than 5 minutes (or as far in the future), even when correctly signed', () => {
    expect(verifyHubSpotV3({ ...base, nowMs: NOW + 5 * 60_000 })).toMatchObject({ ok: true });
    expect(verifyHubSpotV3({ ...base, nowMs: NOW + 5 * 60_000 + 1 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyHubSpotV3({ ...base, nowMs: NOW - 5 * 60_000 - 1 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses missing or malformed headers', () => {
    expect(verifyHubSpotV3({ ...base, signature: undefined })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyHubSpotV3({ ...base, timestamp: null })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyHubSpotV3({ ...base, timestamp: '12abc' })).toEqual({ ok: false, reason: 'malformed' });
  });
});
