/**
 * The web server kind and the control panel behind a site, for advice that fits it (Apache's
 * .htaccess, nginx's server block, LiteSpeed; cPanel, Plesk, hPanel or no panel). Pure.
 *
 * Panel evidence: cPanel's paths in the page (`/cgi-sys/…`, `/__cpanel__…`), its Apache modules
 * or name in `Server` (`mod_bwlimited`, `(cPanel)`), its AutoSSL issuer ("cPanel, Inc."); Plesk's
 * `X-Powered-By: PleskLin/PleskWin` and default page; Hostinger's `panel: hpanel`.
 */
import type { PageSignals } from './page-signals.js';
import type { ServerInfo } from './parse-http.js';

export type ServerKind = 'apache' | 'litespeed' | 'nginx' | 'other' | 'unknown';
export type Panel = 'cpanel' | 'plesk' | 'hpanel' | 'none';

export interface Stack {
  server: ServerKind;
  panel: Panel;
  /** What gave the panel away (empty when none was seen). */
  panelEvidence: string[];
}

export interface StackSignals {
  server: ServerInfo | null;
  headers: Readonly<Record<string, string>>;
  page?: PageSignals | null;
  certIssuer?: string | null;
}

export function serverKind(server: ServerInfo | null): ServerKind {
  switch (server?.family) {
    case 'apache':
      return 'apache';
    case 'litespeed':
      return 'litespeed';
    case 'nginx':
    case 'openresty':
      return 'nginx';
    case null:
    case undefined:
    case 'cloudflare':
      return 'unknown';
    default:
      return 'other';
  }
}

export function detectStack(s: StackSignals): Stack {
  const h = (n: string) => s.headers[n] ?? '';
  const cpanel = [
    ...(s.page?.panelPaths ?? []).filter((p) => /cgi-sys|cpanel/i.test(p)).map((p) => `page: ${p}`),
    ...(/cpanel|mod_bwlimited/i.test(h('server')) ? [`Server: ${h('server')}`] : []),
    ...(/cpanel/i.test(s.certIssuer ?? '') ? [`certificate issuer: ${s.certIssuer}`] : []),
  ];
  const plesk = [
    ...(/plesk/i.test(h('x-powered-by')) ? [`X-Powered-By: ${h('x-powered-by')}`] : []),
    ...(s.page?.panelPaths ?? []).filter((p) => /plesk/i.test(p)).map((p) => `page: ${p}`),
    ...(s.page?.defaultPage && /plesk/i.test(`${s.page.title} ${s.page.text}`) ? ['page: Plesk default page'] : []),
  ];
  const hpanel = /hpanel/i.test(h('panel')) ? [`panel: ${h('panel')}`] : [];
  const [panel, panelEvidence]: [Panel, string[]] = cpanel.length
    ? ['cpanel', cpanel]
    : plesk.length
      ? ['plesk', plesk]
      : hpanel.length
        ? ['hpanel', hpanel]
        : ['none', []];
  return { server: serverKind(s.server), panel, panelEvidence };
}
