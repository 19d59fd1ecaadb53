/**
 * A stateful fake of Namecheap's XML API (`/xml.response?ApiUser=&ApiKey=&UserName=&ClientIp=&Command=`)
 * answering the real `<ApiResponse Status="OK|ERROR">` documents for `namecheap.domains.check`,
 * `.create`, `.getList`, `.getInfo` and `.dns.setCustom`, with Namecheap's error numbers.
 * Taken names, premium names and failures are configurable; every registration is recorded so a
 * test can assert "registered exactly once".
 */
import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody } from '../http.js';

export interface NamecheapFakeOptions {
  apiUser?: string;
  apiKey?: string;
  clientIp?: string;
  /** Names registered by someone else. */
  taken?: string[];
  /** Premium names and their registration price. */
  premium?: Record<string, number>;
  /** Regular registration price per year. */
  price?: number;
  /** TLDs the API refuses (2030280). */
  unsupportedTlds?: string[];
}

export interface NamecheapFailure {
  command?: string;
  domain?: string;
  /** Namecheap error number in an `ERROR` response, or an HTTP status for a transport failure. */
  number?: number;
  message?: string;
  httpStatus?: number;
  count?: number;
}

export interface OwnedDomain {
  domain: string;
  id: number;
  nameservers: string[];
  registrant: Record<string, string>;
  orderId: number;
  chargedAmount: number;
}

export interface NamecheapFake {
  url: string;
  /** Config overrides pointing the Namecheap adapter here. */
  env: Record<'NAMECHEAP_API_URL' | 'NAMECHEAP_API_USER' | 'NAMECHEAP_API_KEY' | 'NAMECHEAP_CLIENT_IP', string>;
  apiUser: string;
  apiKey: string;
  clientIp: string;
  owned(): OwnedDomain[];
  /** Every command received, in order, with its domain argument ("namecheap.domains.create example.fr"). */
  commands: string[];
  /** How many times `domains.create` succeeded for this name. */
  registrations(domain: string): number;
  setTaken(domain: string): void;
  /** The next matching commands fail (default once). */
  failNext(f: NamecheapFailure): void;
  close(): Promise<void>;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const attrs = (o: Record<string, string | number | boolean>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
    .join(' ');

function ok(command: string, inner: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response">
  <Errors />
  <Warnings />
  <RequestedCommand>${command}</RequestedCommand>
  <CommandResponse Type="${command}">
    ${inner}
  </CommandResponse>
  <Server>FAKE01</Server>
  <GMTTimeDifference>--5:00</GMTTimeDifference>
  <ExecutionTime>0.01</ExecutionTime>
</ApiResponse>`;
}

function error(command: string, number: number, message: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<ApiResponse Status="ERROR" xmlns="http://api.namecheap.com/xml.response">
  <Errors>
    <Error Number="${number}">${xmlEscape(message)}</Error>
  </Errors>
  <Warnings />
  <RequestedCommand>${xmlEscape(command)}</RequestedCommand>
  <Server>FAKE01</Server>
  <GMTTimeDifference>--5:00</GMTTimeDifference>
  <ExecutionTime>0.01</ExecutionTime>
</ApiResponse>`;
}

class NcError extends Error {
  constructor(
    readonly number: number,
    message: string,
  ) {
    super(message);
  }
}

const CONTACT_FIELDS = ['FirstName', 'LastName', 'Address1', 'City', 'StateProvince', 'PostalCode', 'Country', 'Phone', 'EmailAddress'];
const CONTACT_ROLES = ['Registrant', 'Tech', 'Admin', 'AuxBilling'];
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export async function startNamecheapFake(opts: NamecheapFakeOptions = {}): Promise<NamecheapFake> {
  const apiUser = opts.apiUser ?? 'atelier';
  const apiKey = opts.apiKey ?? 'nc-test-key-0123456789';
  const clientIp = opts.clientIp ?? '127.0.0.1';
  const taken = new Set((opts.taken ?? []).map((d) => d.toLowerCase()));
  const premium = new Map(Object.entries(opts.premium ?? {}).map(([d, p]) => [d.toLowerCase(), p]));
  const price = opts.price ?? 10.87;
  const unsupported = new Set(opts.unsupportedTlds ?? []);
  const owned = new Map<string, OwnedDomain>();
  const registrations = new Map<string, number>();
  const commands: string[] = [];
  let failures: Array<NamecheapFailure & { count: number }> = [];

  const available = (d: string) => !taken.has(d) && !owned.has(d);
  const tldOf = (d: string) => d.slice(d.indexOf('.') + 1);

  function handle(p: URLSearchParams): string {
    const command = p.get('Command') ?? '';
    if (!p.get('ApiUser')) throw new NcError(1010101, 'Parameter APIUser is missing');
    if (!p.get('ApiKey')) throw new NcError(1010102, 'Parameter APIKey is missing');
    if (!p.get('UserName')) throw new NcError(1010104, 'Parameter UserName is missing');
    if (!p.get('ClientIp')) throw new NcError(1010105, 'Parameter ClientIp is missing');
    if (p.get('ApiUser') !== apiUser || p.get('ApiKey') !== apiKey) {
      throw new NcError(1011102, 'API Key is invalid or API access has not been enabled');
    }
    if (p.get('ClientIp') !== clientIp) throw new NcError(1011150, `Invalid request IP: ${p.get('ClientIp')}`);

    switch (command) {
      case 'namecheap.domains.check': {
        const list = (p.get('DomainList') ?? '')
          .split(',')
          .map((d) => d.trim().toLowerCase())
          .filter(Boolean);
        if (list.length === 0) throw new NcError(2010324, 'Parameter DomainList is missing');
        if (list.length > 50) throw new NcError(2011169, 'Only 50 domains are allowed in a single check command');
        const rows = list.map((d) => {
          if (!DOMAIN_RE.test(d) || unsupported.has(tldOf(d))) {
            return `<DomainCheckResult ${attrs({ Domain: d, Available: 'false', ErrorNo: 2030280, Description: 'TLD is not supported in API', IsPremiumName: 'false', PremiumRegistrationPrice: 0, PremiumRenewalPrice: 0, PremiumRestorePrice: 0, PremiumTransferPrice: 0, IcannFee: 0, EapFee: 0 })} />`;
          }
          const prem = premium.get(d);
          return `<DomainCheckResult ${attrs({
            Domain: d,
            Available: available(d) ? 'true' : 'false',
            ErrorNo: 0,
            Description: '',
            IsPremiumName: prem !== undefined ? 'true' : 'false',
            PremiumRegistrationPrice: (prem ?? 0).toFixed(4),
            PremiumRenewalPrice: (prem ?? 0).toFixed(4),
            PremiumRestorePrice: 0,
            PremiumTransferPrice: 0,
            IcannFee: 0,
            EapFee: '0.0',
          })} />`;
        });
        return ok(command, rows.join('\n    '));
      }
      case 'namecheap.domains.create': {
        const domain = (p.get('DomainName') ?? '').toLowerCase();
        if (!domain) throw new NcError(2010324, 'Parameter DomainName is missing');
        if (!DOMAIN_RE.test(domain)) throw new NcError(2011280, `Validation error from DomainName: ${domain}`);
        if (unsupported.has(tldOf(domain))) throw new NcError(2030280, 'TLD is not supported in API');
        for (const role of CONTACT_ROLES) {
          for (const field of CONTACT_FIELDS) {
            if (!p.get(`${role}${field}`)) throw new NcError(2010324, `Parameter ${role}${field} is missing`);
          }
          if (!/^\+\d{1,3}\.\d{4,14}$/.test(p.get(`${role}Phone`)!)) throw new NcError(2015182, `Validation error from ${role}Phone: use +NNN.NNNNNNNNNN`);
        }
        const years = Number(p.get('Years') ?? 1);
        if (!Number.isInteger(years) || years < 1 || years > 10) throw new NcError(2011170, 'Validation error from Years');
        if (!available(domain)) throw new NcError(3019166, 'Domain not available');
        const prem = premium.get(domain);
        const isPremium = p.get('IsPremiumDomain') === 'true';
        if ((prem !== undefined) !== isPremium) throw new NcError(2515623, 'Domain is premium while considered regular or is regular while considered premium');
        if (prem !== undefined && Number(p.get('PremiumPrice')) !== prem) throw new NcError(2515610, 'Prices do not match');
        const nameservers = (p.get('Nameservers') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const registrant = Object.fromEntries(CONTACT_FIELDS.map((f) => [f, p.get(`Registrant${f}`)!]));
        const charged = prem ?? price * years;
        const entry: OwnedDomain = { domain, id: randomInt(1, 1e9), nameservers, registrant, orderId: randomInt(1, 1e9), chargedAmount: charged };
        owned.set(domain, entry);
        registrations.set(domain, (registrations.get(domain) ?? 0) + 1);
        return ok(
          command,
          `<DomainCreateResult ${attrs({ Domain: domain, Registered: 'true', ChargedAmount: charged.toFixed(4), DomainID: entry.id, OrderID: entry.orderId, TransactionID: randomInt(1, 1e9), WhoisguardEnable: 'false', NonRealTimeDomain: 'false' })} />`,
        );
      }
      case 'namecheap.domains.getList': {
        const term = (p.get('SearchTerm') ?? '').toLowerCase();
        const page = Math.max(1, Number(p.get('Page') ?? 1) || 1);
        const size = Math.min(100, Math.max(10, Number(p.get('PageSize') ?? 20) || 20));
        const all = [...owned.values()].filter((d) => !term || d.domain.includes(term)).sort((a, b) => a.domain.localeCompare(b.domain));
        const rows = all
          .slice((page - 1) * size, page * size)
          .map(
            (d) =>
              `<Domain ${attrs({ ID: d.id, Name: d.domain, User: p.get('UserName')!, Created: '11/21/2026', Expires: '11/21/2027', IsExpired: 'false', IsLocked: 'false', AutoRenew: 'false', WhoisGuard: 'NOTPRESENT', IsPremium: premium.has(d.domain) ? 'true' : 'false', IsOurDNS: 'false' })} />`,
          );
        return ok(
          command,
          `<DomainGetListResult>\n      ${rows.join('\n      ')}\n    </DomainGetListResult>\n    <Paging><TotalItems>${all.length}</TotalItems><CurrentPage>${page}</CurrentPage><PageSize>${size}</PageSize></Paging>`,
        );
      }
      case 'namecheap.domains.getInfo': {
        const domain = (p.get('DomainName') ?? '').toLowerCase();
        const d = owned.get(domain);
        if (!d) {
          if (taken.has(domain)) throw new NcError(2016166, 'Domain is not associated with your account');
          throw new NcError(2019166, 'Domain not found');
        }
        return ok(
          command,
          `<DomainGetInfoResult ${attrs({ Status: 'Ok', ID: d.id, DomainName: d.domain, OwnerName: p.get('UserName')!, IsOwner: 'true', IsPremium: premium.has(d.domain) ? 'true' : 'false' })}>
      <DomainDetails><CreatedDate>11/21/2026</CreatedDate><ExpiredDate>11/21/2027</ExpiredDate><NumYears>0</NumYears></DomainDetails>
      <DnsDetails ${attrs({ ProviderType: 'CUSTOM', IsUsingOurDNS: 'false', HostCount: 0, EmailType: '', DynamicDNSStatus: 'false', IsFailover: 'false' })}>
        ${d.nameservers.map((n) => `<Nameserver>${xmlEscape(n)}</Nameserver>`).join('\n        ')}
      </DnsDetails>
    </DomainGetInfoResult>`,
        );
      }
      case 'namecheap.domains.dns.setCustom': {
        const domain = `${p.get('SLD') ?? ''}.${p.get('TLD') ?? ''}`.toLowerCase();
        const d = owned.get(domain);
        if (!d) throw new NcError(2019166, 'Domain not found');
        const ns = (p.get('Nameservers') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (ns.length < 2) throw new NcError(2011146, 'At least two nameservers are required');
        d.nameservers = ns;
        return ok(command, `<DomainDNSSetCustomResult ${attrs({ Domain: domain, Updated: 'true' })} />`);
      }
      default:
        throw new NcError(1011146, `Invalid Command: ${command}`);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/xml.response') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('Not Found');
    }
    const params = new URLSearchParams(url.search);
    if (req.method === 'POST') for (const [k, v] of new URLSearchParams(await readBody(req))) params.set(k, v);
    const command = params.get('Command') ?? '';
    const domain = (params.get('DomainName') ?? params.get('DomainList') ?? `${params.get('SLD') ?? ''}.${params.get('TLD') ?? ''}`).toLowerCase();
    commands.push(`${command} ${domain}`.trim());

    const failure = failures.find((f) => (!f.command || f.command === command) && (!f.domain || domain.split(',').includes(f.domain)));
    let xml: string;
    if (failure) {
      failure.count -= 1;
      failures = failures.filter((f) => f.count > 0);
      if (failure.httpStatus) {
        res.writeHead(failure.httpStatus, { 'content-type': 'text/html' });
        return void res.end('<html><body>Service Unavailable</body></html>');
      }
      xml = error(command, failure.number ?? 5050900, failure.message ?? 'Unknown error while adding a domain to your account');
    } else {
      try {
        xml = handle(params);
      } catch (err) {
        if (!(err instanceof NcError)) throw err;
        xml = error(command, err.number, err.message);
      }
    }
    // Namecheap answers 200 with the status inside the document, errors included.
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
    res.end(xml);
  }

  const server = await listen(route);
  return {
    url: `${server.url}/xml.response`,
    env: { NAMECHEAP_API_URL: `${server.url}/xml.response`, NAMECHEAP_API_USER: apiUser, NAMECHEAP_API_KEY: apiKey, NAMECHEAP_CLIENT_IP: clientIp },
    apiUser,
    apiKey,
    clientIp,
    owned: () => [...owned.values()],
    commands,
    registrations: (d) => registrations.get(d.toLowerCase()) ?? 0,
    setTaken: (d) => void taken.add(d.toLowerCase()),
    failNext: (f) => failures.push({ ...f, count: f.count ?? 1 }),
    close: () => server.close(),
  };
}
