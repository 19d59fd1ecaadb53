/**
 * An RDAP server (RFC 9083) for domains: `GET /domain/<name>` answers 200 with the domain object
 * for registered names and 404 with an RDAP error object otherwise (`application/rdap+json`).
 * Names can also be made to answer 429 or 503, like a busy registry.
 */
import { listen } from '../http.js';

export interface RdapFake {
  /** Base URL with a trailing slash (RDAP_BASE_URL). */
  url: string;
  /** Config overrides pointing the availability adapter here. */
  env: { RDAP_BASE_URL: string };
  queries: string[];
  register(domain: string): void;
  /** Answers this status for the name (e.g. 503) until cleared with `failWith(name, null)`. */
  failWith(domain: string, status: number | null): void;
  close(): Promise<void>;
}

export async function startRdapFake(opts: { registered?: string[] } = {}): Promise<RdapFake> {
  const registered = new Set((opts.registered ?? []).map((d) => d.toLowerCase()));
  const failing = new Map<string, number>();
  const queries: string[] = [];
  const server = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = url.pathname.match(/^\/domain\/([^/]+)$/);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/rdap+json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
    if (!m || req.method !== 'GET') return send(400, { errorCode: 400, title: 'Bad Request', description: ['unsupported query'] });
    const name = decodeURIComponent(m[1]!).toLowerCase();
    queries.push(name);
    const fail = failing.get(name);
    if (fail) return send(fail, { errorCode: fail, title: fail === 429 ? 'Too Many Requests' : 'Service Unavailable' });
    if (!registered.has(name)) {
      return send(404, { rdapConformance: ['rdap_level_0'], errorCode: 404, title: 'Not Found', description: [`The domain ${name} was not found`] });
    }
    return send(200, {
      rdapConformance: ['rdap_level_0', 'icann_rdap_response_profile_0'],
      objectClassName: 'domain',
      handle: `${name.replace(/\W/g, '_').toUpperCase()}-REG`,
      ldhName: name.toUpperCase(),
      status: ['client transfer prohibited'],
      events: [
        { eventAction: 'registration', eventDate: '2015-08-14T04:00:00Z' },
        { eventAction: 'expiration', eventDate: '2027-08-13T04:00:00Z' },
      ],
      nameservers: [{ objectClassName: 'nameserver', ldhName: 'NS1.EXAMPLE.NET' }],
      entities: [{ objectClassName: 'entity', roles: ['registrar'], vcardArray: ['vcard', [['fn', {}, 'text', 'Example Registrar, Inc.']]] }],
    });
  });
  return {
    url: `${server.url}/`,
    env: { RDAP_BASE_URL: `${server.url}/` },
    queries,
    register: (d) => void registered.add(d.toLowerCase()),
    failWith: (d, status) => void (status === null ? failing.delete(d.toLowerCase()) : failing.set(d.toLowerCase(), status)),
    close: () => server.close(),
  };
}
