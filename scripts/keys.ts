/**
 * `npm run keys -- <command>`: scoped API keys in the platform's PostgreSQL (DATABASE_URL, else the
 * embedded cluster `npm start` runs on 127.0.0.1:$ATELIER_PG_PORT, default 55432).
 *
 *   create --name ci --scopes read,operate [--rate 600/min]   prints the key once
 *   list [--all]                                              names, prefixes, scopes, last use (never secrets)
 *   revoke <id|prefix>                                        effective within API_KEY_CACHE_SECONDS
 */
import { parseArgs } from 'node:util';
import { createDb } from '../db/client.js';
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../db/queries/api-keys.js';
import { DEFAULT_RATE, formatRate, parseRate } from '../api/access/rate-limit.js';
import { parseScopes } from '../api/access/scopes.js';
import { newSecret } from '../api/access/secrets.js';
import { pgUrl } from './lib/postgres.js';

const USAGE = `usage: npm run keys -- create --name <name> --scopes read,operate,admin [--rate 600/min]
       npm run keys -- list [--all]
       npm run keys -- revoke <id|prefix>`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, scopes: { type: 'string' }, rate: { type: 'string' }, all: { type: 'boolean', default: false } },
});
const [command, target] = positionals;
const fail = (message: string, code = 2): never => {
  console.error(message);
  process.exit(code);
};

const url = process.env.DATABASE_URL || pgUrl(Number(process.env.ATELIER_PG_PORT ?? 55432), 'atelier');
const db = createDb({ DATABASE_URL: url, DATABASE_POOL_MAX: 1 });
const row = (k: ApiKeyInfo) => [
  String(k.id),
  k.name,
  k.prefix,
  k.scopes.join(','),
  formatRate({ limit: k.rate_limit, windowSeconds: k.rate_window_seconds }),
  k.last_used_at?.toISOString() ?? 'never',
  k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active',
];

try {
  if (command === 'create') {
    if (!values.name?.trim()) fail(`--name is required\n${USAGE}`);
    let scopes: string[] = [];
    let rate = DEFAULT_RATE;
    try {
      scopes = parseScopes(values.scopes ?? '');
      if (values.rate) rate = parseRate(values.rate);
    } catch (err) {
      fail((err as Error).message);
    }
    const secret = newSecret();
    const key = await insertApiKey(db, {
      name: values.name!.trim(),
      prefix: secret.prefix,
      hash: secret.hash,
      scopes,
      rateLimit: rate.limit,
      rateWindowSeconds: rate.windowSeconds,
    });
    console.log(`created key ${key.id} "${key.name}" (prefix ${key.prefix}, scopes ${key.scopes.join(',')}, ${formatRate(rate)})`);
    console.log(`secret (shown once, store it now): ${secret.key}`);
  } else if (command === 'list') {
    const { rows } = await listApiKeys(db, { limit: 10_000, includeRevoked: values.all });
    const table = [['id', 'name', 'prefix', 'scopes', 'rate', 'last used', 'state'], ...rows.map(row)];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    for (const r of table)
      console.log(
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
  } else if (command === 'revoke') {
    if (!target) fail(`revoke needs a key id or prefix\n${USAGE}`);
    const key = await revokeApiKey(db, /^\d{1,15}$/.test(target!) ? Number(target) : target!);
    if (!key) fail(`no API key with id or prefix ${target}`, 1);
    console.log(
      `revoked key ${key!.id} "${key!.name}" (prefix ${key!.prefix}) at ${key!.revoked_at!.toISOString()}; API processes drop it within their key cache (API_KEY_CACHE_SECONDS, default 5 s)`,
    );
  } else {
    fail(USAGE);
  }
} catch (err) {
  const e = err as { code?: string; message: string };
  if (e.code === '23505') fail(`an active key is already named ${values.name}`, 1);
  if (e.code === '42P01') fail('the api_keys table is missing: run `npm run db:migrate` (or `npm start`) first', 1);
  fail(`keys ${command} failed: ${e.message}`, 1);
} finally {
  await db.destroy();
}
