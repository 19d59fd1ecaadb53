/**
 * How to fix what the rubric found, in the terms of the site's own stack: the web server
 * (Apache's .htaccess, nginx's server block, LiteSpeed's WebAdmin / .htaccess) and the control
 * panel (cPanel, Plesk, hPanel, or none: the server's own configuration). Pure data.
 */
import { t, type Text } from './text.js';
import type { Panel, ServerKind, Stack } from './stack.js';

export type Fix = 'https-redirect' | 'http2' | 'compression' | 'tls-protocols' | 'hsts' | 'php';

type ServerAdvice = Record<Exclude<ServerKind, 'other' | 'unknown'>, Text>;

const HTACCESS_HTTPS = 'RewriteEngine On / RewriteCond %{HTTPS} off / RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [L,R=301]';
const HTACCESS_HSTS = 'Header always set Strict-Transport-Security "max-age=63072000"';
const HTACCESS_DEFLATE = 'AddOutputFilterByType DEFLATE text/html text/css application/javascript application/json';

const SERVER: Record<Exclude<Fix, 'php'>, ServerAdvice> = {
  'https-redirect': {
    apache: t(`Apache, dans le .htaccess : ${HTACCESS_HTTPS}.`, `Apache, in .htaccess: ${HTACCESS_HTTPS}.`),
    litespeed: t(`LiteSpeed lit les règles Apache, dans le .htaccess : ${HTACCESS_HTTPS}.`, `LiteSpeed reads Apache rules, in .htaccess: ${HTACCESS_HTTPS}.`),
    nginx: t(
      'nginx : server { listen 80; server_name … ; return 301 https://$host$request_uri; }.',
      'nginx: server { listen 80; server_name … ; return 301 https://$host$request_uri; }.',
    ),
  },
  http2: {
    apache: t(
      'Apache : activer mod_http2 et « Protocols h2 http/1.1 » dans le VirtualHost 443 (pas dans le .htaccess).',
      'Apache: enable mod_http2 and “Protocols h2 http/1.1” in the port-443 VirtualHost (not in .htaccess).',
    ),
    litespeed: t(
      'LiteSpeed : WebAdmin → Listeners → SSL → activer HTTP/2 (actif par défaut ; sinon le demander à l’hébergeur).',
      'LiteSpeed: WebAdmin → Listeners → SSL → enable HTTP/2 (on by default; otherwise ask the host).',
    ),
    nginx: t('nginx : listen 443 ssl http2; (ou « http2 on; » depuis nginx 1.25.1).', 'nginx: listen 443 ssl http2; (or “http2 on;” since nginx 1.25.1).'),
  },
  compression: {
    apache: t(`Apache (mod_deflate), dans le .htaccess : ${HTACCESS_DEFLATE}.`, `Apache (mod_deflate), in .htaccess: ${HTACCESS_DEFLATE}.`),
    litespeed: t(
      'LiteSpeed : WebAdmin → Server → Tuning → Enable Compression (GZIP/Brotli), ou les règles mod_deflate du .htaccess.',
      'LiteSpeed: WebAdmin → Server → Tuning → Enable Compression (GZIP/Brotli), or mod_deflate rules in .htaccess.',
    ),
    nginx: t(
      'nginx : gzip on; gzip_types text/css application/javascript application/json;',
      'nginx: gzip on; gzip_types text/css application/javascript application/json;',
    ),
  },
  'tls-protocols': {
    apache: t('Apache (mod_ssl) : SSLProtocol -all +TLSv1.2 +TLSv1.3.', 'Apache (mod_ssl): SSLProtocol -all +TLSv1.2 +TLSv1.3.'),
    litespeed: t(
      'LiteSpeed : WebAdmin → Listeners → SSL → Protocol Version : TLS v1.2 et v1.3 seulement.',
      'LiteSpeed: WebAdmin → Listeners → SSL → Protocol Version: TLS v1.2 and v1.3 only.',
    ),
    nginx: t('nginx : ssl_protocols TLSv1.2 TLSv1.3;', 'nginx: ssl_protocols TLSv1.2 TLSv1.3;'),
  },
  hsts: {
    apache: t(`Apache (mod_headers), dans le .htaccess : ${HTACCESS_HSTS}.`, `Apache (mod_headers), in .htaccess: ${HTACCESS_HSTS}.`),
    litespeed: t(`LiteSpeed, dans le .htaccess : ${HTACCESS_HSTS}.`, `LiteSpeed, in .htaccess: ${HTACCESS_HSTS}.`),
    nginx: t(
      'nginx : add_header Strict-Transport-Security "max-age=63072000" always;',
      'nginx: add_header Strict-Transport-Security "max-age=63072000" always;',
    ),
  },
};

const PANEL: Partial<Record<Fix, Partial<Record<Exclude<Panel, 'none'>, Text>>>> = {
  'https-redirect': {
    cpanel: t('cPanel → Domaines → « Force HTTPS Redirect ».', 'cPanel → Domains → “Force HTTPS Redirect”.'),
    plesk: t(
      'Plesk → Paramètres d’hébergement → « Redirection permanente 301 de HTTP vers HTTPS ».',
      'Plesk → Hosting Settings → “Permanent SEO-safe 301 redirect from HTTP to HTTPS”.',
    ),
    hpanel: t('hPanel → Sécurité → SSL → « Forcer HTTPS ».', 'hPanel → Security → SSL → “Force HTTPS”.'),
  },
  hsts: {
    plesk: t('Plesk → Certificats SSL/TLS → activer HSTS.', 'Plesk → SSL/TLS Certificates → turn on HSTS.'),
  },
  'tls-protocols': {
    cpanel: t(
      'Sur un hébergement cPanel, les protocoles TLS se règlent côté serveur (WHM) : le demander à l’hébergeur.',
      'On cPanel hosting, TLS protocols are set server-side (WHM): ask the host.',
    ),
    plesk: t('Plesk → Outils et paramètres → Chiffrements et protocoles SSL/TLS.', 'Plesk → Tools & Settings → SSL/TLS Ciphers and Protocols.'),
  },
  php: {
    cpanel: t(
      'cPanel → MultiPHP Manager : choisir PHP 8.1+ ; MultiPHP INI Editor : memory_limit 256M, max_execution_time 120.',
      'cPanel → MultiPHP Manager: pick PHP 8.1+; MultiPHP INI Editor: memory_limit 256M, max_execution_time 120.',
    ),
    plesk: t(
      'Plesk → Paramètres PHP : choisir PHP 8.1+ (FPM) ; memory_limit 256M, max_execution_time 120.',
      'Plesk → PHP Settings: pick PHP 8.1+ (FPM); memory_limit 256M, max_execution_time 120.',
    ),
    hpanel: t(
      'hPanel → Avancé → Configuration PHP : choisir PHP 8.1+ ; memory_limit 256M.',
      'hPanel → Advanced → PHP Configuration: pick PHP 8.1+; memory_limit 256M.',
    ),
  },
};

const PHP_NO_PANEL: Record<ServerKind, Text> = {
  apache: t(
    'Sans panneau : installer PHP 8.1+ en FPM (paquet php8.x-fpm) et y brancher Apache (proxy_fcgi) ; memory_limit 256M, max_execution_time 120, opcache activé.',
    'No panel: install PHP 8.1+ as FPM (php8.x-fpm package) and hand Apache to it (proxy_fcgi); memory_limit 256M, max_execution_time 120, opcache on.',
  ),
  nginx: t(
    'Sans panneau : installer PHP 8.1+ en FPM et pointer fastcgi_pass vers son socket ; memory_limit 256M, max_execution_time 120, opcache activé.',
    'No panel: install PHP 8.1+ as FPM and point fastcgi_pass at its socket; memory_limit 256M, max_execution_time 120, opcache on.',
  ),
  litespeed: t(
    'LiteSpeed : installer LSPHP 8.1+ et le choisir dans WebAdmin → Server → External App ; memory_limit 256M, opcache activé.',
    'LiteSpeed: install LSPHP 8.1+ and select it in WebAdmin → Server → External App; memory_limit 256M, opcache on.',
  ),
  other: t(
    'Mettre à jour PHP en 8.1+ (memory_limit 256M, max_execution_time 120, opcache activé).',
    'Upgrade PHP to 8.1+ (memory_limit 256M, max_execution_time 120, opcache on).',
  ),
  unknown: t(
    'Mettre à jour PHP en 8.1+ dans le panneau de l’hébergeur ou sur le serveur (memory_limit 256M, max_execution_time 120, opcache activé).',
    'Upgrade PHP to 8.1+ in the host’s panel or on the server (memory_limit 256M, max_execution_time 120, opcache on).',
  ),
};

const GENERIC: Record<Exclude<Fix, 'php'>, Text> = {
  'https-redirect': t(
    'Rediriger tout le trafic http vers https (redirection 301) dans la configuration du serveur ou du panneau.',
    'Redirect all http traffic to https (301) in the server’s or the panel’s configuration.',
  ),
  http2: t(
    'Activer HTTP/2 sur le port 443 (configuration du serveur, ou le demander à l’hébergeur).',
    'Enable HTTP/2 on port 443 (server configuration, or ask the host).',
  ),
  compression: t('Activer la compression gzip/brotli des pages HTML, CSS et JavaScript.', 'Enable gzip/brotli compression of HTML, CSS and JavaScript.'),
  'tls-protocols': t('Désactiver TLS 1.0 et 1.1 : n’accepter que TLS 1.2 et 1.3.', 'Disable TLS 1.0 and 1.1: accept TLS 1.2 and 1.3 only.'),
  hsts: t('Ajouter l’en-tête Strict-Transport-Security "max-age=63072000".', 'Add the header Strict-Transport-Security "max-age=63072000".'),
};

const join = (a: Text | undefined, b: Text): Text => (a ? { fr: `${a.fr} Sinon : ${b.fr}`, en: `${a.en} Otherwise: ${b.en}` } : b);

/** The fix in the stack's terms: the panel's screen first (when there is one), then the server's directive. */
export function advice(fix: Fix, stack: Stack): Text {
  const panel = stack.panel === 'none' ? undefined : PANEL[fix]?.[stack.panel];
  if (fix === 'php') return panel ?? PHP_NO_PANEL[stack.server];
  const server = stack.server === 'other' || stack.server === 'unknown' ? GENERIC[fix] : SERVER[fix][stack.server];
  return join(panel, server);
}
