/** The brief's recommended table, row by row, plus the observable checks its text calls for (HTTP/2, compression, the page's load). */
import { t } from './text.js';
import { unobservable, type Def } from './criterion.js';
import { dedicatedCpu } from './judge-host.js';
import { architecture, php } from './judge-server.js';
import { cache, cdn, compression, http2, pageLoad, responseUnder } from './judge-speed.js';
import { unknown } from './rubric-types.js';

export const RECOMMENDED: readonly Def[] = [
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
];
