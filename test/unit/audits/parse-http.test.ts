import { describe, expect, it } from 'vitest';
import {
  advertisesHttp3,
  compareVersions,
  detectCdn,
  detectCms,
  median,
  normalizeHeaders,
  parseCache,
  parseCompression,
  parseHsts,
  parsePhpVersion,
  parseServer,
} from '../../../activities/audits/hosting/parse-http.js';

describe('parseServer', () => {
  it.each([
    ['Apache/2.4.41 (Ubuntu)', 'apache', '2.4.41'],
    ['LiteSpeed', 'litespeed', null],
    ['nginx/1.24.0', 'nginx', '1.24.0'],
    ['openresty', 'openresty', null],
    ['cloudflare', 'cloudflare', null],
    ['Microsoft-IIS/10.0', 'iis', '10.0'],
    ['gws', 'other', null],
  ])('%s -> %s', (raw, family, version) => {
    expect(parseServer({ server: raw })).toEqual({ raw, family, version });
  });
  it('answers null when there is no Server header', () => {
    expect(parseServer({})).toEqual({ raw: null, family: null, version: null });
  });
});

describe('PHP version', () => {
  it('reads X-Powered-By, then a Server banner', () => {
    expect(parsePhpVersion({ 'x-powered-by': 'PHP/7.4.33' })).toBe('7.4.33');
    expect(parsePhpVersion({ server: 'Apache/2.4.29 (Ubuntu) PHP/8.2' })).toBe('8.2');
    expect(parsePhpVersion({ 'x-powered-by': 'Express' })).toBeNull();
  });
  it('compares dotted versions numerically', () => {
    expect(compareVersions('7.4.33', '8.0')).toBeLessThan(0);
    expect(compareVersions('8.10', '8.9')).toBeGreaterThan(0);
    expect(compareVersions('8.1', '8.1.0')).toBe(0);
  });
});

describe('CDN, cache, HSTS, HTTP/3, compression', () => {
  it('recognises CDNs from their headers', () => {
    expect(detectCdn({ server: 'cloudflare', 'cf-ray': '8a1b-CDG' })).toEqual(['Cloudflare']);
    expect(detectCdn({ 'x-amz-cf-id': 'abc', via: '1.1 abc.cloudfront.net (CloudFront)' })).toEqual(['CloudFront']);
    expect(detectCdn({ 'x-served-by': 'cache-par-lfpg1960029-PAR' })).toEqual(['Fastly']);
    expect(detectCdn({ server: 'AkamaiGHost' })).toEqual(['Akamai']);
    expect(detectCdn({ server: 'nginx' })).toEqual([]);
  });
  it('tells a cache layer and cacheable pages from uncached ones', () => {
    expect(parseCache({ 'x-litespeed-cache': 'hit' }).cacheLayer).toMatch(/LiteSpeed/);
    expect(parseCache({ 'cache-control': 'public, max-age=600' })).toMatchObject({ cacheable: true, cacheLayer: null });
    expect(parseCache({ 'cache-control': 'no-store, no-cache, must-revalidate' })).toMatchObject({ cacheable: false, cacheLayer: null });
    expect(parseCache({ 'cf-cache-status': 'DYNAMIC' }).cacheLayer).toBeNull();
    expect(parseCache({ age: '42' }).cacheLayer).toMatch(/age: 42/);
  });
  it('parses HSTS, alt-svc and content-encoding', () => {
    expect(parseHsts({ 'strict-transport-security': 'max-age=63072000; includeSubDomains; preload' })).toEqual({
      maxAge: 63072000,
      includeSubDomains: true,
      preload: true,
    });
    expect(parseHsts({})).toBeNull();
    expect(advertisesHttp3({ 'alt-svc': 'h3=":443"; ma=86400, h3-29=":443"' })).toBe(true);
    expect(advertisesHttp3({ 'alt-svc': 'h2=":443"' })).toBe(false);
    expect(parseCompression({ 'content-encoding': 'br' })).toBe('br');
    expect(parseCompression({ 'content-encoding': 'identity' })).toBeNull();
  });
  it('normalises header names and joins repeated values', () => {
    expect(normalizeHeaders({ Server: 'nginx', 'X-A': ['1', '2'], gone: undefined })).toEqual({ server: 'nginx', 'x-a': '1, 2' });
  });
  it('takes the median of odd and even samples', () => {
    expect(median([300, 100, 200])).toBe(200);
    expect(median([100, 400, 200, 300])).toBe(250);
  });
});

describe('CMS', () => {
  it('reads WordPress and its version from the generator meta', () => {
    expect(detectCms('<html><head><meta name="generator" content="WordPress 6.4.2"></head></html>')).toMatchObject({ name: 'WordPress', version: '6.4.2' });
  });
  it('recognises WordPress without a generator from its paths and asset versions', () => {
    const html = '<link rel="stylesheet" href="/wp-includes/css/dist/block-library/style.min.css?ver=6.5.3"><img src="/wp-content/uploads/a.jpg">';
    expect(detectCms(html)).toMatchObject({ name: 'WordPress', version: '6.5.3' });
  });
  it('reads Drupal from the X-Generator header and answers null for plain pages', () => {
    expect(detectCms('<p>hi</p>', { 'x-generator': 'Drupal 10 (https://www.drupal.org)' })).toMatchObject({ name: 'Drupal', version: '10' });
    expect(detectCms('<html><body>hello</body></html>')).toBeNull();
  });
});

describe('arpaName', async () => {
  const { arpaName } = await import('../../../activities/audits/hosting/probe-dns.js');
  it('builds PTR names for IPv4 and IPv6', () => {
    expect(arpaName('203.0.113.10')).toBe('10.113.0.203.in-addr.arpa');
    expect(arpaName('2001:db8::1')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  });
});
