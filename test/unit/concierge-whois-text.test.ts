import { describe, expect, it } from 'vitest';
import { whoisVerdict } from '../../activities/concierge/adapters/whois-text.js';

describe('whoisVerdict', () => {
  it.each([
    ['No match for "LIBRE.COM".\r\n>>> Last update of whois database: 2026-11-21T08:00:00Z <<<', true],
    ['%%\n%% This is the AFNIC Whois server.\n%%\n\n%% No entries found in the AFNIC Database.\n', true],
    ['% The WHOIS service offered by EURid\n\nDomain: libre.eu\n\nStatus: AVAILABLE\n', true],
    ['NOT FOUND\n>>> Last update of WHOIS database: 2026-11-21 <<<', true],
    ['Domain not found.\n', true],
    ['The queried object does not exist: DOMAIN NOT FOUND', true],
    ['   Domain Name: PRIS.COM\r\n   Registrar: Example Registrar, Inc.\r\n   Creation Date: 2015-08-14T04:00:00Z', false],
    ['domain:      pris.fr\nstatus:      ACTIVE\nregistrar:   OVH\ncreated:     2019-03-04T10:00:00Z', false],
    ['% The WHOIS service offered by EURid\n\nDomain: pris.eu\nScript: LATIN\n\nRegistrar:\n        Name: Example', false],
  ])('reads %j as available=%s', (raw, available) => {
    expect(whoisVerdict(raw).available).toBe(available);
  });

  it.each([
    ['WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS'],
    ['Your connection limit exceeded. Please slow down and try again later.'],
    [''],
    ['something no registry says'],
  ])('gives no opinion on %j', (raw) => {
    expect(whoisVerdict(raw).available).toBeNull();
  });

  it('does not mistake a registered record mentioning "not found" elsewhere for a free name', () => {
    const raw = '   Domain Name: NOTFOUND.COM\r\n   Registrar: Example\r\n   Domain Status: ok';
    expect(whoisVerdict(raw).available).toBe(false);
  });
});
