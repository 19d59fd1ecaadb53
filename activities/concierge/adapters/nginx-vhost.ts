/**
 * The nginx virtual host for a published site: the apex and `www.` names, HTTP answering ACME
 * HTTP-01 from the web root and redirecting everything else to HTTPS once a certificate is
 * installed, HTTPS serving the web root with the installed certificate.
 */
export interface VhostInput {
  domain: string;
  webRoot: string;
  /** Present once a certificate is installed. */
  tls?: { certPath: string; keyPath: string };
}

/** Host names safe to put in a path and a config file: lower-case LDH labels with a dot. */
export const SAFE_DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

export function renderVhost({ domain, webRoot, tls }: VhostInput): string {
  if (!SAFE_DOMAIN.test(domain)) throw new Error(`unsafe domain for a virtual host: ${JSON.stringify(domain)}`);
  for (const p of [webRoot, tls?.certPath, tls?.keyPath]) {
    if (p !== undefined && /[\s;{}"'\\$]/.test(p)) throw new Error(`unsafe path for a virtual host: ${JSON.stringify(p)}`);
  }
  const names = `${domain} www.${domain}`;
  const http = [
    'server {',
    '    listen 80;',
    '    listen [::]:80;',
    `    server_name ${names};`,
    '    location /.well-known/acme-challenge/ {',
    `        root ${webRoot};`,
    '    }',
    ...(tls
      ? ['    location / {', '        return 301 https://$host$request_uri;', '    }']
      : [`    root ${webRoot};`, '    index index.html;', '    location / {', '        try_files $uri $uri/ =404;', '    }']),
    '}',
  ];
  const https = tls
    ? [
        '',
        'server {',
        '    listen 443 ssl;',
        '    listen [::]:443 ssl;',
        '    http2 on;',
        `    server_name ${names};`,
        `    ssl_certificate ${tls.certPath};`,
        `    ssl_certificate_key ${tls.keyPath};`,
        '    ssl_protocols TLSv1.2 TLSv1.3;',
        '    add_header Strict-Transport-Security "max-age=31536000" always;',
        `    root ${webRoot};`,
        '    index index.html;',
        '    location / {',
        '        try_files $uri $uri/ =404;',
        '    }',
        '}',
      ]
    : [];
  return [`# managed by Atelier (concierge) for ${domain}: do not edit by hand`, ...http, ...https, ''].join('\n');
}
