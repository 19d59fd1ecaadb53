/** Judges of the server software the site's headers show: the PHP version and the web server (Apache LAMP or LiteSpeed/NGINX). */
import { compareVersions } from './parse-http.js';
import { fail, httpUnknown, pass, unknown, type Ctx, type Judge } from './rubric-types.js';
import { t } from './text.js';

export function php(ctx: Ctx, min: string): Judge {
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
export function architecture(ctx: Ctx, strict: boolean): Judge {
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
