import { describe, expect, it } from 'vitest';
import { checkResults, createResult, infoNameservers, isTransient, listedDomains, parseNamecheap } from '../../activities/concierge/adapters/namecheap-xml.js';

const wrap = (status: string, inner: string, errors = '<Errors />') =>
  `<?xml version="1.0" encoding="utf-8"?><ApiResponse Status="${status}" xmlns="http://api.namecheap.com/xml.response">${errors}<Warnings /><RequestedCommand>cmd</RequestedCommand><CommandResponse Type="cmd">${inner}</CommandResponse><Server>X</Server></ApiResponse>`;

describe('Namecheap XML', () => {
  it('reads check results, one or many, with premium prices', () => {
    const one = parseNamecheap(
      wrap('OK', '<DomainCheckResult Domain="a.com" Available="true" ErrorNo="0" Description="" IsPremiumName="false" PremiumRegistrationPrice="0" />'),
    );
    expect(one.ok).toBe(true);
    expect(checkResults(one.body)).toEqual([{ domain: 'a.com', available: true, premium: false, errorNo: 0, description: '' }]);
    const two = parseNamecheap(
      wrap(
        'OK',
        '<DomainCheckResult Domain="A.com" Available="false" ErrorNo="0" IsPremiumName="false" /><DomainCheckResult Domain="luxe.com" Available="true" ErrorNo="0" IsPremiumName="true" PremiumRegistrationPrice="1200.0000" />',
      ),
    );
    expect(checkResults(two.body).map((c) => [c.domain, c.available, c.premium, c.premiumPrice])).toEqual([
      ['a.com', false, false, undefined],
      ['luxe.com', true, true, 1200],
    ]);
  });

  it('reads errors with their numbers', () => {
    const r = parseNamecheap(wrap('ERROR', '', '<Errors><Error Number="2019166">Domain not found</Error><Error Number="3050900">Unknown</Error></Errors>'));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      { number: 2019166, message: 'Domain not found' },
      { number: 3050900, message: 'Unknown' },
    ]);
    expect(r.errors.map(isTransient)).toEqual([false, true]);
  });

  it('reads create, list and info answers', () => {
    expect(
      createResult(parseNamecheap(wrap('OK', '<DomainCreateResult Domain="a.fr" Registered="true" ChargedAmount="10.8700" OrderID="42" />')).body),
    ).toEqual({
      domain: 'a.fr',
      registered: true,
      chargedAmount: 10.87,
      orderId: '42',
    });
    expect(listedDomains(parseNamecheap(wrap('OK', '<DomainGetListResult><Domain Name="a.fr" /><Domain Name="b.fr" /></DomainGetListResult>')).body)).toEqual([
      'a.fr',
      'b.fr',
    ]);
    expect(listedDomains(parseNamecheap(wrap('OK', '<DomainGetListResult></DomainGetListResult>')).body)).toEqual([]);
    expect(
      infoNameservers(
        parseNamecheap(wrap('OK', '<DomainGetInfoResult><DnsDetails><Nameserver>NS1.X.NET</Nameserver></DnsDetails></DomainGetInfoResult>')).body,
      ),
    ).toEqual(['ns1.x.net']);
  });

  it('rejects what is not an ApiResponse', () => {
    expect(() => parseNamecheap('<html><body>502 Bad Gateway</body></html>')).toThrow(/ApiResponse/);
  });
});
