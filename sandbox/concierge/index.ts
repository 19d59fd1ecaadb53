/** Local peers for the concierge adapters and saga: start only what a test needs, stop it after. */
export { startStripeMock, type StripeMock } from './stripe-mock.js';
export { startChallTestSrv, type ChallTestSrv } from './challtestsrv.js';
export { startPebble, type Pebble, type StartPebbleOptions } from './pebble.js';
export { startCloudflareFake, type CloudflareFake, type CloudflareFakeOptions, type FakeRecord, type FakeZone } from './cloudflare-fake.js';
export { startNamecheapFake, type NamecheapFake, type NamecheapFakeOptions, type NamecheapFailure, type OwnedDomain } from './namecheap-fake.js';
export { startWhoisFixture, type WhoisFixture, type WhoisFixtureOptions } from './whois-fixture.js';
export { startRdapFake, type RdapFake } from './rdap-fake.js';
export { createTestCa, type TestCa } from './tls.js';
export { startAcmeStack, type AcmeStack } from './acme-stack.js';
export {
  startConciergePeers,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_STRIPE_WEBHOOK_SECRET,
  type ConciergePeers,
  type ConciergePeersOptions,
} from './concierge-peers.js';
export { signedCheckoutEvent, stripe } from './stripe-events.js';
