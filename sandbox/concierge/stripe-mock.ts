/**
 * stripe-mock: Stripe's own mock of its API, built from the OpenAPI spec it embeds. The `stripe`
 * SDK reaches it with `new Stripe(key, { host, port, protocol: 'http' })`. It is stateless:
 * responses are valid fixtures, not the objects a test created.
 */
import { peerBinary, requireBinary } from './go-peers.js';
import { spawnPeer } from './process.js';

export interface StripeMock {
  host: string;
  port: number;
  protocol: 'http';
  /** http://host:port, for plain fetch calls. */
  url: string;
  /** Config overrides pointing the Stripe adapter here. */
  env: { STRIPE_API_HOST: string; STRIPE_API_PORT: string; STRIPE_API_PROTOCOL: 'http' };
  stop(): Promise<void>;
}

export async function startStripeMock(binary?: string | null): Promise<StripeMock> {
  const { peer, match } = await spawnPeer({
    name: 'stripe-mock',
    cmd: requireBinary(peerBinary('stripeMock', binary), 'stripe-mock'),
    // both listeners on loopback with OS-chosen ports (stripe-mock otherwise also binds :12112)
    args: ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:'],
    ready: /Listening for HTTP at address: 127\.0\.0\.1:(\d+)/,
  });
  const port = Number(match[1]);
  return {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    url: `http://127.0.0.1:${port}`,
    env: { STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: String(port), STRIPE_API_PROTOCOL: 'http' },
    stop: () => peer.stop(),
  };
}
