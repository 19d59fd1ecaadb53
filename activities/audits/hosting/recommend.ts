/** What the report tells the site's owner to do, most urgent first, and the checklist for the host. */
import { advice } from './advice.js';
import { RECOMMENDED_HOSTS } from './providers.js';
import type { Criterion, Ctx, Recommendation } from './rubric-types.js';
import { t, type Text } from './text.js';

export const CHECKLIST: readonly Text[] = [
  t('Y a-t-il une limite CPU de 25 % ? Si oui : NON COMPATIBLE.', 'Is CPU capped at 25%? If yes: NOT COMPATIBLE.'),
  t(
    'Le timeout PHP est-il de 30 secondes ? Si oui : NON COMPATIBLE (120 s minimum).',
    'Is the PHP timeout 30 seconds? If yes: NOT COMPATIBLE (120 s minimum).',
  ),
  t('Maximum 25 processus simultanés ? Si oui : NON COMPATIBLE.', 'At most 25 concurrent processes? If yes: NOT COMPATIBLE.'),
  t('Mémoire RAM partagée ? Si oui : problèmes possibles.', 'Shared RAM? If yes: possible problems.'),
  t('Stockage SSD ? Base MySQL 5.7+ / PostgreSQL 12+ avec connexions illimitées ?', 'SSD storage? MySQL 5.7+ / PostgreSQL 12+ with unlimited connections?'),
  t('Connexions API externes autorisées ? Ports bloqués ?', 'Outbound API connections allowed? Any blocked ports?'),
  t('Sauvegarde quotidienne automatique ? Uptime garanti 99.5 % ?', 'Automatic daily backups? 99.5% uptime guaranteed?'),
];

const RECOMMENDED_NAMES = RECOMMENDED_HOSTS.map((p) => p.name).join(', ');

/** Recommendations in the brief's own terms, most urgent first, for the criteria that failed. */
export function recommend(criteria: Criterion[], ctx: Ctx): Recommendation[] {
  const failed = new Set(criteria.filter((c) => c.status === 'fail').map((c) => c.id));
  const warned = new Set(criteria.filter((c) => c.warning).map((c) => c.id));
  const unknownPhp = criteria.find((c) => c.id === 'php-8.0')?.status === 'unknown';
  const wp = ctx.http?.cms?.name === 'WordPress';
  const out: Recommendation[] = [];
  const add = (id: string, text: Text) => out.push({ id, priority: out.length + 1, text });
  const fix = (f: Parameters<typeof advice>[0]) => advice(f, ctx.stack);
  if (failed.has('not-blacklisted')) {
    const hg = ctx.provider.hosting?.id === 'hostgator';
    add(
      'migrate',
      t(
        `Option A — migration recommandée : choisir un hébergement compatible de la liste recommandée (${RECOMMENDED_NAMES}) ; migration professionnelle en 24-48 h.${hg ? ' Le Plan Business HostGator NE résout PAS le problème.' : ''}`,
        `Option A — recommended migration: move to a compatible host from the recommended list (${RECOMMENDED_NAMES}); professional migration in 24-48 h.${hg ? ' HostGator’s Business plan does NOT solve the problem.' : ''}`,
      ),
    );
  }
  if (failed.has('reachable'))
    add(
      'fix-availability',
      t(
        'Rétablir le site : il ne répond pas correctement (voir la raison du critère « Site joignable »).',
        'Bring the site back: it does not answer properly (see the “Site reachable” criterion).',
      ),
    );
  if (failed.has('ssl-valid'))
    add(
      'fix-certificate',
      t(
        'Installer un certificat SSL valide (Let’s Encrypt acceptable) couvrant le domaine.',
        'Install a valid SSL certificate (Let’s Encrypt is fine) covering the domain.',
      ),
    );
  if (failed.has('https-redirect'))
    add('https-redirect', t(`Rediriger http vers https (301). ${fix('https-redirect').fr}`, `Redirect http to https (301). ${fix('https-redirect').en}`));
  if (failed.has('php-8.0'))
    add(
      'upgrade-php',
      t(`Mettre à jour la version PHP → minimum 8.0, idéalement 8.1+. ${fix('php').fr}`, `Upgrade PHP → 8.0 at least, 8.1+ ideally. ${fix('php').en}`),
    );
  else if (failed.has('php-8.1')) add('upgrade-php', t(`Mettre à jour vers PHP 8.1+. ${fix('php').fr}`, `Upgrade to PHP 8.1+. ${fix('php').en}`));
  if (failed.has('cdn'))
    add(
      'cdn',
      t(
        'Implémenter Cloudflare CDN → amélioration immédiate 40-60 % (changer les nameservers, activer Auto Minify, Rocket Loader).',
        'Put Cloudflare CDN in front → immediate 40-60% improvement (change nameservers, enable Auto Minify, Rocket Loader).',
      ),
    );
  if (failed.has('cache'))
    add(
      'cache',
      wp
        ? t(
            'Installer un plugin de cache → WP Rocket recommandé (cache de page, préchargement, LazyLoad).',
            'Install a caching plugin → WP Rocket recommended (page cache, preload, LazyLoad).',
          )
        : t('Activer un cache de page (Cache-Control, cache serveur).', 'Turn on a page cache (Cache-Control, server-side cache).'),
    );
  if (failed.has('litespeed-nginx') || warned.has('not-apache-lamp'))
    add(
      'architecture',
      t(
        'Passer à LiteSpeed ou NGINX : Apache LAMP fonctionne, mais lentement (≈3x plus lent).',
        'Move to LiteSpeed or NGINX: Apache LAMP works, but slowly (≈3x slower).',
      ),
    );
  if (failed.has('dedicated-cpu') && !failed.has('not-blacklisted'))
    add(
      'dedicated',
      t(
        `Passer à un VPS ou à des ressources dédiées, ou à un hôte de la matrice (${RECOMMENDED_NAMES}).`,
        `Move to a VPS or dedicated resources, or to a host of the matrix (${RECOMMENDED_NAMES}).`,
      ),
    );
  if (failed.has('response-2s'))
    add(
      'speed',
      t(
        'Réduire le temps de réponse sous 2 secondes (cache, CDN, optimisation de la base de données).',
        'Bring the response time under 2 seconds (cache, CDN, database optimisation).',
      ),
    );
  if (failed.has('http2')) add('http2', t(`Activer HTTP/2. ${fix('http2').fr}`, `Enable HTTP/2. ${fix('http2').en}`));
  if (failed.has('compression'))
    add('compression', t(`Activer la compression gzip/brotli. ${fix('compression').fr}`, `Enable gzip/brotli compression. ${fix('compression').en}`));
  if (failed.has('tls-legacy-refused'))
    add('tls-protocols', t(`Désactiver TLS 1.0 et 1.1. ${fix('tls-protocols').fr}`, `Disable TLS 1.0 and 1.1. ${fix('tls-protocols').en}`));
  if (failed.has('hsts')) add('hsts', t(`Ajouter HSTS (≥ 180 jours). ${fix('hsts').fr}`, `Add HSTS (≥ 180 days). ${fix('hsts').en}`));
  if (failed.has('response-1s'))
    add(
      'enterprise-speed',
      t(
        'Pour le niveau entreprise : réponse < 1 s (cache objet Redis, WebP, CDN global).',
        'For the enterprise tier: response < 1 s (Redis object cache, WebP, global CDN).',
      ),
    );
  if (unknownPhp && !failed.has('not-blacklisted'))
    add(
      'check-php',
      t(
        'Vérifier la version PHP (8.0+) et le timeout (120 s) avec le script de compatibilité.',
        'Check the PHP version (8.0+) and timeout (120 s) with the compatibility script.',
      ),
    );
  add(
    'checklist',
    t(
      'Faire confirmer par l’hébergeur la liste de vérification (limite CPU 25 %, timeout PHP 30 s, 25 processus, RAM, SSD).',
      'Have the host confirm the checklist (25% CPU cap, 30 s PHP timeout, 25 processes, RAM, SSD).',
    ),
  );
  return out;
}
