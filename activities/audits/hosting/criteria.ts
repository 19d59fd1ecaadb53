/**
 * The brief's three tables (minimum, recommended, enterprise), row by row, as judges over the
 * probes' results, plus the observable checks its text calls for.
 */
import { certificateChecks } from './certificate-checks.js';
import { compareVersions } from './parse-http.js';
import { PROVIDERS_BY_ID } from './providers.js';
import { ASK_HOST, fail, httpUnknown, pass, probeError, unknown, type Ctx, type Judge, type Tier } from './rubric-types.js';
import { t, type Text } from './text.js';

function reachable(ctx: Ctx): Judge {
  if (ctx.dns && !ctx.dns.resolves)
    return fail(
      t(
        `Le domaine ne résout pas (${ctx.dns.error ?? 'aucune adresse'}) : le site est inaccessible.`,
        `The domain does not resolve (${ctx.dns.error ?? 'no address'}): the site cannot be reached.`,
      ),
    );
  if (!ctx.http) return unknown(t(`Sonde HTTP en échec : ${probeError(ctx.probes.http)}`, `HTTP probe failed: ${probeError(ctx.probes.http)}`));
  if (!ctx.http.reachable) return fail(t(`Site injoignable : ${ctx.http.error}.`, `Site unreachable: ${ctx.http.error}.`));
  const s = ctx.http.status ?? 0;
  if (s >= 200 && s < 400)
    return pass(t(`Répond ${s} en ${Math.round(ctx.http.totalMs ?? 0)} ms.`, `Answers ${s} in ${Math.round(ctx.http.totalMs ?? 0)} ms.`));
  return fail(
    t(`Répond avec une erreur HTTP ${s}${s >= 500 ? ' (erreur serveur)' : ''}.`, `Answers with HTTP error ${s}${s >= 500 ? ' (server error)' : ''}.`),
  );
}

function hostingLabel(ctx: Ctx): string {
  const h = ctx.provider.hosting;
  return h ? `${h.name}${ctx.provider.confidence === 'low' ? ' (?)' : ''}` : '';
}

function notBlacklisted(ctx: Ctx): Judge {
  const h = ctx.provider.hosting;
  if (h?.blacklisted) {
    const bl = PROVIDERS_BY_ID.get(h.id)?.blacklist;
    return fail(
      t(
        `${h.name} (${bl?.plans.join('/')}) est sur la liste noire : ${bl?.problem} → ${bl?.impact}. Indices : ${h.evidence.map((e) => e.detail).join(', ')}.`,
        `${h.name} (${bl?.plans.join('/')}) is blacklisted: ${bl?.problem} → ${bl?.impact}. Evidence: ${h.evidence.map((e) => e.detail).join(', ')}.`,
      ),
    );
  }
  if (!ctx.dns && !ctx.http) return unknown(t('Sondes DNS et HTTP en échec : hébergeur non identifié.', 'DNS and HTTP probes failed: host not identified.'));
  // nothing seen is not "not blacklisted": without an answer from the site, its headers, page and certificate are unknown
  if (!h || ctx.provider.confidence !== 'high') {
    const why = httpUnknown(ctx);
    if (why) return unknown(t(`Hébergeur non identifié : ${why.reason.fr}`, `Host not identified: ${why.reason.en}`));
  }
  return h
    ? pass(t(`Hébergeur identifié : ${hostingLabel(ctx)}, hors liste noire.`, `Host identified: ${hostingLabel(ctx)}, not blacklisted.`))
    : pass(t('Aucun hébergeur de la liste noire détecté.', 'No blacklisted host detected.'));
}

/** A pass about the host's resources needs to know where the site runs: nameservers alone only guess it. */
function guessed(ctx: Ctx, j: Judge): Judge {
  const h = ctx.provider.hosting;
  if (j.status !== 'pass' || !h || ctx.provider.confidence === 'high') return j;
  return unknown(
    t(
      `${h.name} supposé d’après les seuls serveurs DNS (${j.reason.fr}) : à confirmer.`,
      `${h.name} guessed from the nameservers alone (${j.reason.en}): to confirm.`,
    ),
  );
}

function cpuNoLimit(ctx: Ctx): Judge {
  return guessed(ctx, cpuNoLimitJudge(ctx));
}

function cpuNoLimitJudge(ctx: Ctx): Judge {
  const h = ctx.provider.hosting;
  if (!h) return unknown(t('Hébergeur non identifié : demandez s’il y a une limite CPU de 25 %.', 'Host not identified: ask whether CPU is limited to 25%.'));
  switch (h.class) {
    case 'shared-blacklisted':
      return fail(t(`${h.name} mutualisé : CPU limité à 25 % (suspension automatique).`, `${h.name} shared: CPU capped at 25% (automatic suspension).`));
    case 'shared-recommended':
      return pass(
        t(`${h.name} : compatibilité vérifiée dans la matrice (ressources partagées).`, `${h.name}: compatibility verified in the matrix (shared resources).`),
      );
    case 'managed':
    case 'vps':
    case 'cloud':
      return pass(t(`${h.name} : ressources dédiées (${h.class}).`, `${h.name}: dedicated resources (${h.class}).`));
    default:
      return unknown(
        t(
          `${h.name} (${h.class === 'mixed' ? 'offre non déterminée' : 'mutualisé'}) : demandez s’il y a une limite CPU de 25 %.`,
          `${h.name} (${h.class === 'mixed' ? 'plan undetermined' : 'shared'}): ask whether CPU is capped at 25%.`,
        ),
      );
  }
}

function dedicatedCpu(ctx: Ctx): Judge {
  return guessed(ctx, dedicatedCpuJudge(ctx));
}

function dedicatedCpuJudge(ctx: Ctx): Judge {
  const h = ctx.provider.hosting;
  if (!h) return unknown(t('Hébergeur non identifié.', 'Host not identified.'));
  if (h.class === 'vps' || h.class === 'cloud' || h.class === 'managed')
    return pass(t(`${h.name} : VPS / ressources dédiées.`, `${h.name}: VPS / dedicated resources.`));
  if (h.class === 'shared-recommended')
    return pass(
      t(
        `${h.name} : plan de la matrice recommandée (ressources partagées, limites moins restrictives).`,
        `${h.name}: a plan of the recommended matrix (shared, less restrictive limits).`,
      ),
    );
  if (h.class === 'mixed')
    return unknown(t(`${h.name} vend mutualisé et VPS : offre non déterminée.`, `${h.name} sells shared and VPS plans: plan undetermined.`));
  return fail(t(`${h.name} : hébergement mutualisé, ressources non garanties.`, `${h.name}: shared hosting, resources not guaranteed.`));
}

function php(ctx: Ctx, min: string): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const v = ctx.http!.php;
  if (!v)
    return unknown(
      t(
        'Version PHP masquée (pas de X-Powered-By) : à vérifier dans le panneau de l’hébergeur.',
        'PHP version hidden (no X-Powered-By): check it in the host’s panel.',
      ),
    );
  return compareVersions(v, min) >= 0
    ? pass(t(`PHP ${v}.`, `PHP ${v}.`))
    : fail(t(`PHP ${v} < ${min} : mise à jour requise.`, `PHP ${v} < ${min}: upgrade required.`));
}

const MODERN = new Set(['litespeed', 'nginx', 'openresty']);
function architecture(ctx: Ctx, strict: boolean): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const s = ctx.http!.server;
  if (!s.family) return unknown(t('En-tête Server absent : serveur web inconnu.', 'No Server header: web server unknown.'));
  if (MODERN.has(s.family)) return pass(t(`${s.raw}.`, `${s.raw}.`));
  if (s.family === 'apache') {
    const slow = t(
      'Apache LAMP : fonctionne, mais lent (≈3x plus lent que LiteSpeed/NGINX).',
      'Apache LAMP: works, but slow (≈3x slower than LiteSpeed/NGINX).',
    );
    return strict ? fail(slow) : pass(t(`${s.raw}.`, `${s.raw}.`), slow);
  }
  if (s.family === 'cloudflare' || ctx.http!.cdn.length > 0)
    return unknown(t(`Serveur d’origine masqué par ${ctx.http!.cdn.join(', ') || s.raw}.`, `Origin server hidden by ${ctx.http!.cdn.join(', ') || s.raw}.`));
  return strict
    ? fail(t(`${s.raw} : ni LiteSpeed ni NGINX.`, `${s.raw}: neither LiteSpeed nor NGINX.`))
    : pass(t(`${s.raw} (pas Apache LAMP).`, `${s.raw} (not Apache LAMP).`));
}

const NETWORK_ERROR = /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ENOTFOUND|EREFUSED_PRIVATE|timeout/i;

function ssl(ctx: Ctx): Judge {
  if (ctx.dns && !ctx.dns.resolves) return unknown(t('Le domaine ne résout pas.', 'The domain does not resolve.'));
  if (!ctx.tls) return unknown(t(`Sonde TLS en échec : ${probeError(ctx.probes.tls)}`, `TLS probe failed: ${probeError(ctx.probes.tls)}`));
  const x = ctx.tls;
  if (!x.connected) {
    // a refused or silent port says nothing about HTTPS when the site answers nothing at all
    if (NETWORK_ERROR.test(x.error ?? '') && !ctx.http?.reachable) {
      return unknown(
        t(
          `Connexion TLS impossible sur ${x.host}:${x.port} (${x.error}) et site injoignable : HTTPS non vérifiable.`,
          `No TLS connection to ${x.host}:${x.port} (${x.error}) and the site is unreachable: HTTPS cannot be checked.`,
        ),
      );
    }
    return fail(t(`Pas de HTTPS sur ${x.host}:${x.port} (${x.error}).`, `No HTTPS on ${x.host}:${x.port} (${x.error}).`));
  }
  const checks = certificateChecks(x);
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length) return { status: 'fail', reason: t(failed.map((c) => c.reason.fr).join(' '), failed.map((c) => c.reason.en).join(' ')), checks };
  return {
    status: 'pass',
    reason: t(
      `Certificat valide, émis par ${x.issuer}, expire dans ${x.daysToExpiry} jours.`,
      `Valid certificate issued by ${x.issuer}, expires in ${x.daysToExpiry} days.`,
    ),
    checks,
  };
}

function httpsRedirect(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const x = ctx.http!;
  if (x.httpsRedirect === true) return pass(t(`http redirige vers https (${x.httpsRedirectDetail}).`, `http redirects to https (${x.httpsRedirectDetail}).`));
  if (x.httpsRedirect === false)
    return fail(t(`http ne redirige pas vers https : ${x.httpsRedirectDetail}.`, `http does not redirect to https: ${x.httpsRedirectDetail}.`));
  return unknown(
    t(
      `Redirection http → https non vérifiée : ${x.httpsRedirectDetail || 'pas de mesure'}.`,
      `http → https redirect not checked: ${x.httpsRedirectDetail || 'no measurement'}.`,
    ),
  );
}

function responseUnder(ctx: Ctx, ms: number): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const total = ctx.http!.totalMs;
  if (total === null) return unknown(t('Aucune mesure de temps.', 'No timing sample.'));
  const n = ctx.http!.samples.length;
  const detail = t(
    `médiane ${Math.round(total)} ms sur ${n} mesure(s), TTFB ${Math.round(ctx.http!.ttfbMs ?? 0)} ms`,
    `median ${Math.round(total)} ms over ${n} sample(s), TTFB ${Math.round(ctx.http!.ttfbMs ?? 0)} ms`,
  );
  return total < ms
    ? pass(t(`Réponse en ${detail.fr}.`, `Response in ${detail.en}.`))
    : fail(t(`Réponse trop lente : ${detail.fr} (objectif < ${ms / 1000} s).`, `Response too slow: ${detail.en} (target < ${ms / 1000} s).`));
}

function cache(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const c = ctx.http!.cache;
  if (c?.cacheLayer) return pass(t(`Couche de cache : ${c.cacheLayer}.`, `Cache layer: ${c.cacheLayer}.`));
  if (c?.cacheable) return pass(t(`Page mise en cache (Cache-Control: ${c.cacheControl}).`, `Page cacheable (Cache-Control: ${c.cacheControl}).`));
  return fail(
    t(
      `Aucun cache de page détecté${c?.cacheControl ? ` (Cache-Control: ${c.cacheControl})` : ''}.`,
      `No page cache detected${c?.cacheControl ? ` (Cache-Control: ${c.cacheControl})` : ''}.`,
    ),
  );
}

function cdn(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const list = [...new Set([...ctx.http!.cdn, ...ctx.provider.cdn.map((c) => c.name)])];
  return list.length ? pass(t(`CDN : ${list.join(', ')}.`, `CDN: ${list.join(', ')}.`)) : fail(t('Aucun CDN détecté.', 'No CDN detected.'));
}

function http2(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const x = ctx.http!;
  if (x.http2 === null)
    return x.finalUrl?.startsWith('https:')
      ? unknown(t('Négociation ALPN impossible.', 'ALPN negotiation failed.'))
      : fail(t('Pas de HTTPS, donc pas de HTTP/2.', 'No HTTPS, hence no HTTP/2.'));
  return x.http2
    ? pass(t('HTTP/2 négocié par ALPN (h2).', 'HTTP/2 negotiated through ALPN (h2).'))
    : fail(t(`HTTP/2 non proposé (ALPN : ${x.alpn ?? 'aucun'}).`, `HTTP/2 not offered (ALPN: ${x.alpn ?? 'none'}).`));
}

function compression(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const c = ctx.http!.compression;
  return c
    ? pass(t(`Compression ${c}.`, `${c} compression.`))
    : fail(t('Pas de compression (gzip/brotli) de la page.', 'The page is not compressed (gzip/brotli).'));
}

function legacyTls(ctx: Ctx): Judge {
  if (!ctx.tls) return unknown(t(`Sonde TLS en échec : ${probeError(ctx.probes.tls)}`, `TLS probe failed: ${probeError(ctx.probes.tls)}`));
  if (!ctx.tls.connected) return unknown(t('Pas de HTTPS.', 'No HTTPS.'));
  const p = ctx.tls.protocols;
  const accepted = (['TLSv1', 'TLSv1.1'] as const).filter((v) => p[v] === true);
  if (accepted.length) return fail(t(`Versions obsolètes acceptées : ${accepted.join(', ')}.`, `Obsolete versions accepted: ${accepted.join(', ')}.`));
  if (p.TLSv1 === null || p['TLSv1.1'] === null) return unknown(t('Versions TLS 1.0/1.1 non testées.', 'TLS 1.0/1.1 not tested.'));
  const modern = (['TLSv1.2', 'TLSv1.3'] as const).filter((v) => p[v] === true);
  return pass(t(`TLS 1.0/1.1 refusés ; acceptés : ${modern.join(', ')}.`, `TLS 1.0/1.1 refused; accepted: ${modern.join(', ')}.`));
}

const HSTS_MIN = 15_552_000; // 180 days
function hsts(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const x = ctx.http!.hsts;
  if (!x) return fail(t('En-tête Strict-Transport-Security absent.', 'No Strict-Transport-Security header.'));
  return x.maxAge >= HSTS_MIN
    ? pass(t(`HSTS max-age=${x.maxAge}.`, `HSTS max-age=${x.maxAge}.`))
    : fail(t(`HSTS max-age=${x.maxAge} trop court (≥ ${HSTS_MIN}).`, `HSTS max-age=${x.maxAge} too short (≥ ${HSTS_MIN}).`));
}

function http3(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  return ctx.http!.http3
    ? pass(t(`HTTP/3 annoncé (alt-svc: ${ctx.http!.altSvc}).`, `HTTP/3 advertised (alt-svc: ${ctx.http!.altSvc}).`))
    : fail(t('HTTP/3 non annoncé (alt-svc).', 'HTTP/3 not advertised (alt-svc).'));
}

function pageLoad(ctx: Ctx): Judge {
  if (!ctx.browser) {
    const o = ctx.probes.browser;
    return unknown(
      !o.ok && 'skipped' in o
        ? t(`Navigateur non lancé : ${o.error}.`, `Browser not run: ${o.error}.`)
        : t(`Sonde navigateur en échec : ${probeError(o)}`, `Browser probe failed: ${probeError(o)}`),
    );
  }
  const b = ctx.browser;
  const u = httpUnknown(ctx);
  if ((!b.loaded || b.loadMs === null) && u) return unknown(t(`Page non chargée : ${u.reason.fr}`, `Page not loaded: ${u.reason.en}`));
  if ((!b.loaded || b.loadMs === null) && /ERR_UNSAFE_PORT|ERR_BLOCKED_BY_CLIENT/.test(b.error ?? '')) {
    return unknown(
      t(
        `Chromium refuse ce port ou cette adresse (${b.error}) : chargement non mesuré.`,
        `Chromium refuses this port or address (${b.error}): load not measured.`,
      ),
    );
  }
  if (!b.loaded || b.loadMs === null) return fail(t(`La page ne se charge pas dans Chromium : ${b.error}.`, `The page does not load in Chromium: ${b.error}.`));
  const detail = t(
    `${b.loadMs} ms (DOMContentLoaded ${b.domContentLoadedMs} ms, ${b.requests} requêtes, ${b.consoleErrors.length} erreur(s) console)`,
    `${b.loadMs} ms (DOMContentLoaded ${b.domContentLoadedMs} ms, ${b.requests} requests, ${b.consoleErrors.length} console error(s))`,
  );
  return b.loadMs < 3000
    ? pass(t(`Page chargée en ${detail.fr}.`, `Page loaded in ${detail.en}.`))
    : fail(t(`Page lente : ${detail.fr}.`, `Slow page: ${detail.en}.`));
}

function autoscaling(ctx: Ctx): Judge {
  const h = ctx.provider.hosting;
  if (h && ctx.provider.confidence === 'high' && (h.class === 'cloud' || h.class === 'managed'))
    return pass(t(`${h.name} : auto-scaling disponible.`, `${h.name}: auto-scaling available.`));
  return unknown(ASK_HOST);
}

function loadBalancer(ctx: Ctx): Judge {
  if (!ctx.dns) return unknown(ASK_HOST);
  const n = ctx.dns.a.length + ctx.dns.aaaa.length;
  const behindCdn = ctx.provider.cdn.length > 0 || (ctx.http?.cdn.length ?? 0) > 0;
  if (ctx.dns.a.length > 1 || behindCdn)
    return pass(
      t(
        behindCdn ? 'Trafic réparti par le CDN.' : `${ctx.dns.a.length} adresses IPv4 (répartition DNS).`,
        behindCdn ? 'Traffic spread by the CDN.' : `${ctx.dns.a.length} IPv4 addresses (DNS load balancing).`,
      ),
    );
  return unknown(
    t(`${n} adresse(s) : répartiteur de charge non visible, à confirmer par l’hébergeur.`, `${n} address(es): no visible load balancer, ask the host.`),
  );
}

const unobservable = (): Judge => unknown(ASK_HOST);

export interface Def {
  id: string;
  tier: Tier;
  label: Text;
  expected: Text;
  observable: boolean;
  required: boolean;
  blocking?: false;
  judge: (ctx: Ctx) => Judge;
}

/** The brief's three tables, row by row, plus the observable checks its text calls for. */
export const CRITERIA: readonly Def[] = [
  {
    id: 'reachable',
    tier: 'minimum',
    label: t('Site joignable', 'Site reachable'),
    expected: t('Réponse HTTP 2xx/3xx', 'HTTP 2xx/3xx answer'),
    observable: true,
    required: true,
    judge: reachable,
  },
  {
    id: 'not-blacklisted',
    tier: 'minimum',
    label: t('Hébergement hors liste noire', 'Host not blacklisted'),
    expected: t('Ni HostGator, GoDaddy, Bluehost, NameCheap mutualisés', 'Not HostGator, GoDaddy, Bluehost, NameCheap shared'),
    observable: true,
    required: true,
    judge: notBlacklisted,
  },
  {
    id: 'cpu-no-25-limit',
    tier: 'minimum',
    label: t('CPU', 'CPU'),
    expected: t('Sans limite de 25 %', 'No 25% cap'),
    observable: true,
    required: false,
    judge: cpuNoLimit,
  },
  {
    id: 'ram-1gb',
    tier: 'minimum',
    label: t('RAM', 'RAM'),
    expected: t('1GB disponible', '1GB available'),
    observable: false,
    required: false,
    judge: unobservable,
  },
  {
    id: 'php-8.0',
    tier: 'minimum',
    label: t('PHP', 'PHP'),
    expected: t('8.0+ (timeout 120s minimum)', '8.0+ (120s timeout at least)'),
    observable: true,
    required: false,
    judge: (c) => php(c, '8.0'),
  },
  {
    id: 'database',
    tier: 'minimum',
    label: t('Base de données', 'Database'),
    expected: t('MySQL 5.7+ ou PostgreSQL 12+', 'MySQL 5.7+ or PostgreSQL 12+'),
    observable: false,
    required: false,
    judge: unobservable,
  },
  {
    id: 'https-redirect',
    tier: 'minimum',
    label: t('Redirection HTTPS', 'HTTPS redirect'),
    expected: t('http → https (301)', 'http → https (301)'),
    observable: true,
    required: false,
    blocking: false,
    judge: httpsRedirect,
  },
  {
    id: 'ssl-valid',
    tier: 'minimum',
    label: t('SSL', 'SSL'),
    expected: t('Certificat valide (Let’s Encrypt acceptable)', 'Valid certificate (Let’s Encrypt is fine)'),
    observable: true,
    required: true,
    judge: ssl,
  },
  {
    id: 'not-apache-lamp',
    tier: 'minimum',
    label: t('Architecture', 'Architecture'),
    expected: t('Pas Apache LAMP (LiteSpeed/NGINX préféré)', 'Not Apache LAMP (LiteSpeed/NGINX preferred)'),
    observable: true,
    required: false,
    judge: (c) => architecture(c, false),
  },
  {
    id: 'storage-ssd',
    tier: 'minimum',
    label: t('Stockage', 'Storage'),
    expected: t('SSD recommandé', 'SSD recommended'),
    observable: false,
    required: false,
    judge: unobservable,
  },
  {
    id: 'bandwidth-10gb',
    tier: 'minimum',
    label: t('Bande passante', 'Bandwidth'),
    expected: t('10GB/mois minimum', '10GB/month minimum'),
    observable: false,
    required: false,
    judge: unobservable,
  },

  {
    id: 'dedicated-cpu',
    tier: 'recommended',
    label: t('CPU', 'CPU'),
    expected: t('VPS ou ressources dédiées', 'VPS or dedicated resources'),
    observable: true,
    required: false,
    judge: dedicatedCpu,
  },
  {
    id: 'response-2s',
    tier: 'recommended',
    label: t('Temps de réponse', 'Response time'),
    expected: t('< 2 secondes', '< 2 seconds'),
    observable: true,
    required: true,
    judge: (c) => responseUnder(c, 2000),
  },
  {
    id: 'ram-2gb',
    tier: 'recommended',
    label: t('RAM', 'RAM'),
    expected: t('2GB+ garanti', '2GB+ guaranteed'),
    observable: false,
    required: false,
    judge: unobservable,
  },
  { id: 'php-8.1', tier: 'recommended', label: t('PHP', 'PHP'), expected: t('8.1+', '8.1+'), observable: true, required: false, judge: (c) => php(c, '8.1') },
  {
    id: 'cache',
    tier: 'recommended',
    label: t('Stockage / cache', 'Storage / cache'),
    expected: t('SSD avec cache', 'SSD with cache'),
    observable: true,
    required: false,
    judge: cache,
  },
  {
    id: 'litespeed-nginx',
    tier: 'recommended',
    label: t('Architecture', 'Architecture'),
    expected: t('LiteSpeed/NGINX', 'LiteSpeed/NGINX'),
    observable: true,
    required: false,
    judge: (c) => architecture(c, true),
  },
  {
    id: 'cdn',
    tier: 'recommended',
    label: t('CDN', 'CDN'),
    expected: t('Cloudflare ou similaire', 'Cloudflare or similar'),
    observable: true,
    required: false,
    blocking: false,
    judge: cdn,
  },
  {
    id: 'http2',
    tier: 'recommended',
    label: t('HTTP/2', 'HTTP/2'),
    expected: t('HTTP/2 (ALPN h2)', 'HTTP/2 (ALPN h2)'),
    observable: true,
    required: true,
    judge: http2,
  },
  {
    id: 'compression',
    tier: 'recommended',
    label: t('Compression', 'Compression'),
    expected: t('gzip ou brotli', 'gzip or brotli'),
    observable: true,
    required: false,
    blocking: false,
    judge: compression,
  },
  {
    id: 'page-load-3s',
    tier: 'recommended',
    label: t('Chargement de la page', 'Page load'),
    expected: t('< 3 secondes dans le navigateur (SLA Standard)', '< 3 seconds in the browser (Standard SLA)'),
    observable: true,
    required: false,
    blocking: false,
    judge: pageLoad,
  },
  {
    id: 'backup-daily',
    tier: 'recommended',
    label: t('Sauvegarde', 'Backup'),
    expected: t('Quotidienne automatique', 'Daily, automatic'),
    observable: false,
    required: false,
    judge: unobservable,
  },
  {
    id: 'uptime-99.5',
    tier: 'recommended',
    label: t('Surveillance', 'Monitoring'),
    expected: t('99.5% uptime', '99.5% uptime'),
    observable: false,
    required: false,
    judge: () =>
      unknown(t('Se mesure dans la durée : lancez une surveillance (POST /v1/monitors).', 'Measured over time: start a monitor (POST /v1/monitors).')),
  },

  {
    id: 'tls-legacy-refused',
    tier: 'enterprise',
    label: t('Protocoles TLS', 'TLS protocols'),
    expected: t('TLS 1.0 / 1.1 refusés', 'TLS 1.0 / 1.1 refused'),
    observable: true,
    required: true,
    judge: legacyTls,
  },
  {
    id: 'hsts',
    tier: 'enterprise',
    label: t('HSTS', 'HSTS'),
    expected: t('Strict-Transport-Security ≥ 180 jours', 'Strict-Transport-Security ≥ 180 days'),
    observable: true,
    required: true,
    judge: hsts,
  },
  {
    id: 'response-1s',
    tier: 'enterprise',
    label: t('Temps de réponse', 'Response time'),
    expected: t('< 1 seconde (SLA Entreprise)', '< 1 second (Enterprise SLA)'),
    observable: true,
    required: true,
    judge: (c) => responseUnder(c, 1000),
  },
  {
    id: 'http3',
    tier: 'enterprise',
    label: t('HTTP/3', 'HTTP/3'),
    expected: t('Annoncé par alt-svc', 'Advertised by alt-svc'),
    observable: true,
    required: false,
    blocking: false,
    judge: http3,
  },
  {
    id: 'cpu-4-cores',
    tier: 'enterprise',
    label: t('CPU', 'CPU'),
    expected: t('4+ cores dédiés', '4+ dedicated cores'),
    observable: false,
    required: false,
    judge: unobservable,
  },
  {
    id: 'ram-4gb',
    tier: 'enterprise',
    label: t('RAM', 'RAM'),
    expected: t('4GB+ dédié', '4GB+ dedicated'),
    observable: false,
    required: false,
    judge: unobservable,
  },
  {
    id: 'autoscaling',
    tier: 'enterprise',
    label: t('Évolutivité', 'Scalability'),
    expected: t('Auto-scaling', 'Auto-scaling'),
    observable: false,
    required: false,
    judge: autoscaling,
  },
  {
    id: 'load-balancer',
    tier: 'enterprise',
    label: t('Load Balancer', 'Load balancer'),
    expected: t('Disponible', 'Available'),
    observable: false,
    required: false,
    judge: loadBalancer,
  },
  {
    id: 'apm',
    tier: 'enterprise',
    label: t('Surveillance', 'Monitoring'),
    expected: t('APM avancé', 'Advanced APM'),
    observable: false,
    required: false,
    judge: unobservable,
  },
  {
    id: 'support-24-7',
    tier: 'enterprise',
    label: t('Support', 'Support'),
    expected: t('24/7 prioritaire', '24/7 priority'),
    observable: false,
    required: false,
    judge: unobservable,
  },
];
