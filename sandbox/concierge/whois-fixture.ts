/**
 * A whois server on TCP port 43 (`whoiser` always connects to port 43), answering like the real
 * registries: Verisign-style `Domain Name:` records / `No match for "X".` for .com/.net and the
 * rest, AFNIC-style for .fr, EURid-style for .eu. It binds 127.43.0.N:43, taking the first free N
 * in 127.0.0.0/8, so test files running at once never fight over the port; give its `host` to
 * whoiser (`WHOIS_HOST`). It refuses with a clear error when no address can be bound (not root, or
 * every candidate busy).
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface WhoisFixture {
  host: string;
  port: 43;
  /** Config overrides pointing the availability adapter here. */
  env: { WHOIS_HOST: string };
  /** Every query received (the domain, as sent). */
  queries: string[];
  register(domain: string, registrar?: string): void;
  /** The next queries for this name answer like a rate-limited registry. */
  rateLimit(domain: string): void;
  close(): Promise<void>;
}

export interface WhoisFixtureOptions {
  registered?: string[];
  /** Names answered with a rate-limit message (whois says nothing useful). */
  rateLimited?: string[];
}

function record(domain: string, registrar: string): string {
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (tld === 'fr') {
    return `%%\n%% This is the AFNIC Whois server.\n%%\n\ndomain:                        ${domain}\nstatus:                        ACTIVE\nhold:                          NO\nregistrar:                     ${registrar}\ncreated:                       2019-03-04T10:00:00Z\nExpiry Date:                   2027-03-04T10:00:00Z\nnserver:                       ns1.${registrar.toLowerCase().replace(/\W/g, '')}.net\nsource:                        FRNIC\n`;
  }
  if (tld === 'eu') {
    return `% The WHOIS service offered by EURid\n\nDomain: ${domain}\nScript: LATIN\n\nRegistrar:\n        Name: ${registrar}\n\nName servers:\n        ns1.example.net\n\nPlease visit www.eurid.eu for more info.\n`;
  }
  const upper = domain.toUpperCase();
  return [
    `   Domain Name: ${upper}`,
    `   Registry Domain ID: ${Math.abs(hash(domain))}_DOMAIN_COM-VRSN`,
    `   Updated Date: 2025-08-14T07:01:44Z`,
    `   Creation Date: 2015-08-14T04:00:00Z`,
    `   Registry Expiry Date: 2027-08-13T04:00:00Z`,
    `   Registrar: ${registrar}`,
    `   Registrar IANA ID: 1068`,
    `   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited`,
    `   Name Server: NS1.EXAMPLE.NET`,
    `   DNSSEC: unsigned`,
    `>>> Last update of whois database: ${new Date().toISOString()} <<<`,
    '',
  ].join('\r\n');
}

function notFound(domain: string): string {
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (tld === 'fr') return `%%\n%% This is the AFNIC Whois server.\n%%\n\n%% No entries found in the AFNIC Database.\n`;
  if (tld === 'eu') return `% The WHOIS service offered by EURid\n\nDomain: ${domain}\n\nStatus: AVAILABLE\n`;
  return `No match for "${domain.toUpperCase()}".\r\n>>> Last update of whois database: ${new Date().toISOString()} <<<\r\n`;
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

function tryListen(server: Server, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL') resolve(false);
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(43, host);
  });
}

export async function startWhoisFixture(opts: WhoisFixtureOptions = {}): Promise<WhoisFixture> {
  const registered = new Map<string, string>((opts.registered ?? []).map((d) => [d.toLowerCase(), 'Example Registrar, Inc.']));
  const limited = new Set((opts.rateLimited ?? []).map((d) => d.toLowerCase()));
  const queries: string[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setTimeout(5000, () => socket.destroy());
    let buf = '';
    socket.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      const end = buf.indexOf('\n');
      if (end < 0) return;
      const query = buf.slice(0, end).replace(/\r$/, '').trim();
      queries.push(query);
      const domain = query.toLowerCase();
      const answer = limited.has(domain)
        ? `WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS\r\n`
        : registered.has(domain)
          ? record(domain, registered.get(domain)!)
          : notFound(domain);
      socket.end(answer);
    });
  });

  let host: string | undefined;
  try {
    for (let n = 1; n <= 64 && !host; n++) {
      if (await tryListen(server, `127.43.0.${n}`)) host = `127.43.0.${n}`;
    }
  } catch (err) {
    throw new Error(`whois fixture cannot bind port 43 (${(err as NodeJS.ErrnoException).code}): it needs root or CAP_NET_BIND_SERVICE`);
  }
  if (!host) throw new Error('whois fixture: port 43 is busy on every 127.43.0.N address; stop the other fixtures first');

  return {
    host,
    port: 43,
    env: { WHOIS_HOST: host },
    queries,
    register: (d, registrar = 'Example Registrar, Inc.') => void registered.set(d.toLowerCase(), registrar),
    rateLimit: (d) => void limited.add(d.toLowerCase()),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
