/**
 * Judges of where the site runs: it answers at all, its host (identified by identify-provider.ts)
 * is off the brief's blacklist, and what the host's class tells of its resources (CPU, scaling,
 * load balancing). A pass about resources needs the host seen, not only guessed from nameservers.
 */
import { PROVIDERS_BY_ID } from './providers.js';
import { ASK_HOST, fail, httpUnknown, pass, probeError, unknown, type Ctx, type Judge } from './rubric-types.js';
import { t } from './text.js';

export function reachable(ctx: Ctx): Judge {
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

export function notBlacklisted(ctx: Ctx): Judge {
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

export function cpuNoLimit(ctx: Ctx): Judge {
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

export function dedicatedCpu(ctx: Ctx): Judge {
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

export function autoscaling(ctx: Ctx): Judge {
  const h = ctx.provider.hosting;
  if (h && ctx.provider.confidence === 'high' && (h.class === 'cloud' || h.class === 'managed'))
    return pass(t(`${h.name} : auto-scaling disponible.`, `${h.name}: auto-scaling available.`));
  return unknown(ASK_HOST);
}

export function loadBalancer(ctx: Ctx): Judge {
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
