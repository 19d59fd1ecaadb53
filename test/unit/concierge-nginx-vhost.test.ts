import { describe, expect, it } from 'vitest';
import { renderVhost } from '../../activities/concierge/adapters/nginx-vhost.js';

describe('renderVhost', () => {
  it('serves HTTP from the web root until a certificate is installed', () => {
    const conf = renderVhost({ domain: 'exemple.fr', webRoot: '/srv/sites/exemple.fr' });
    expect(conf).toContain('server_name exemple.fr www.exemple.fr;');
    expect(conf).toContain('root /srv/sites/exemple.fr;');
    expect(conf).toContain('try_files $uri $uri/ =404;');
    expect(conf).not.toContain('listen 443');
    expect(conf).not.toContain('return 301');
  });

  it('redirects HTTP to HTTPS and serves TLS with the certificate once installed', () => {
    const conf = renderVhost({
      domain: 'exemple.fr',
      webRoot: '/srv/sites/exemple.fr',
      tls: { certPath: '/etc/tls/exemple.fr/fullchain.pem', keyPath: '/etc/tls/exemple.fr/privkey.pem' },
    });
    expect(conf).toContain('listen 443 ssl;');
    expect(conf).toContain('ssl_certificate /etc/tls/exemple.fr/fullchain.pem;');
    expect(conf).toContain('ssl_certificate_key /etc/tls/exemple.fr/privkey.pem;');
    expect(conf).toContain('return 301 https://$host$request_uri;');
    expect(conf).toContain('location /.well-known/acme-challenge/');
    expect(conf.match(/server \{/g)).toHaveLength(2);
  });

  it('refuses names and paths that could inject configuration', () => {
    expect(() => renderVhost({ domain: 'exemple.fr; include /etc/passwd', webRoot: '/srv' })).toThrow(/unsafe domain/);
    expect(() => renderVhost({ domain: 'EXEMPLE..fr', webRoot: '/srv' })).toThrow(/unsafe domain/);
    expect(() => renderVhost({ domain: 'exemple.fr', webRoot: '/srv/x; }' })).toThrow(/unsafe path/);
    expect(() => renderVhost({ domain: 'exemple.fr', webRoot: '/srv', tls: { certPath: '/a b', keyPath: '/k' } })).toThrow(/unsafe path/);
  });
});
