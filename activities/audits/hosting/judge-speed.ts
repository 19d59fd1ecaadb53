/** Judges of speed: response time, page cache, CDN, HTTP/2 and HTTP/3, compression, and the page's load in Chromium. */
import { fail, httpUnknown, pass, probeError, unknown, type Ctx, type Judge } from './rubric-types.js';
import { t } from './text.js';

export function responseUnder(ctx: Ctx, ms: number): Judge {
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

export function cache(ctx: Ctx): Judge {
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

export function cdn(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const list = [...new Set([...ctx.http!.cdn, ...ctx.provider.cdn.map((c) => c.name)])];
  return list.length ? pass(t(`CDN : ${list.join(', ')}.`, `CDN: ${list.join(', ')}.`)) : fail(t('Aucun CDN détecté.', 'No CDN detected.'));
}

export function http2(ctx: Ctx): Judge {
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

export function compression(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const c = ctx.http!.compression;
  return c
    ? pass(t(`Compression ${c}.`, `${c} compression.`))
    : fail(t('Pas de compression (gzip/brotli) de la page.', 'The page is not compressed (gzip/brotli).'));
}

export function http3(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  return ctx.http!.http3
    ? pass(t(`HTTP/3 annoncé (alt-svc: ${ctx.http!.altSvc}).`, `HTTP/3 advertised (alt-svc: ${ctx.http!.altSvc}).`))
    : fail(t('HTTP/3 non annoncé (alt-svc).', 'HTTP/3 not advertised (alt-svc).'));
}

export function pageLoad(ctx: Ctx): Judge {
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
