/**
 * Connect-time enforcement of the net guard. Checking a name and then letting the socket resolve
 * it again is rebindable (the second answer can be 127.0.0.1), so every outbound socket takes its
 * address from `guardedLookup`, which resolves and checks in the same step, and undici requests go
 * through `guardedDispatcher`, whose connector does the same for each connection (every redirect
 * hop, every pooled socket). Node skips `lookup` for IP literals, so those are checked here too.
 */
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { checkAddress, OutboundRefused, resolveHost, systemLookup, type OutboundGuard } from './net-guard.js';

/** A refusal as a socket error: `code` for logs and retry policies, `reason` kept. */
function asSocketError(err: unknown): Error {
  if (!(err instanceof OutboundRefused)) return err as Error;
  return Object.assign(err, { code: err.reason === 'unresolvable' ? 'ENOTFOUND' : 'EREFUSED_PRIVATE' });
}

/** The refusal for an IP-literal host (which never reaches `lookup`), or null for names and allowed IPs. */
export function literalRefusal(host: string, guard: OutboundGuard): OutboundRefused | null {
  const h = host.replace(/^\[|\]$/g, '');
  if (!isIP(h)) return null;
  const { ok, range } = checkAddress(h, guard.allow);
  return ok ? null : (asSocketError(new OutboundRefused('private-address', `${h} (${range}) is not a public address`)) as OutboundRefused);
}

/**
 * A `lookup` for net / tls / http / undici: resolves through the guard's resolver and answers only
 * addresses that pass the guard (IPv4 first), else an `OutboundRefused` error. Always answers on a
 * later turn of the event loop, as the system resolver does: answering synchronously makes a
 * failing connect emit `error` before the caller has attached its listener.
 */
export function guardedLookup(guard: OutboundGuard): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number | string } | number, callback: (...args: unknown[]) => void) => {
    const opts = typeof options === 'object' && options !== null ? options : { family: options };
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : Number(opts.family) || 0;
    const answer = (...args: unknown[]) => setImmediate(() => callback(...args));
    resolveHost(hostname, guard.allow, guard.lookup).then(
      (addrs) => {
        const usable = [...addrs].filter((a) => !family || a.family === family).sort((a, b) => a.family - b.family);
        if (!usable.length) return answer(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }));
        if (opts.all) answer(null, usable);
        else answer(null, usable[0]!.address, usable[0]!.family);
      },
      (err) => answer(asSocketError(err)),
    );
  }) as LookupFunction;
}

/**
 * An undici dispatcher whose every connection goes through the guard at connect time.
 * `tls` adds connector options (an extra CA for tests).
 */
export function guardedDispatcher(guard: OutboundGuard, opts: { connections?: number; tls?: buildConnector.BuildOptions } = {}): Agent {
  const base = buildConnector({ ...opts.tls, lookup: guardedLookup(guard) });
  const connect: buildConnector.connector = (options, callback) => {
    const refused = literalRefusal(options.hostname, guard);
    if (refused) return void setImmediate(() => callback(refused, null));
    return base(options, callback);
  };
  return new Agent({ connect, ...(opts.connections ? { connections: opts.connections } : {}) });
}

const shared = new WeakMap<OutboundGuard['allow'], Map<OutboundGuard['lookup'], Agent>>();
/** One guarded dispatcher per allow-list and resolver, reused by every caller that shares them. */
export function dispatcherFor(allow: OutboundGuard['allow'], lookup: OutboundGuard['lookup'] = systemLookup): Agent {
  let byLookup = shared.get(allow);
  if (!byLookup) shared.set(allow, (byLookup = new Map()));
  let agent = byLookup.get(lookup);
  if (!agent) byLookup.set(lookup, (agent = guardedDispatcher({ allow, lookup })));
  return agent;
}

/** The `OutboundRefused` behind an error (undici wraps socket errors in `TypeError: fetch failed`). */
export function outboundRefusalOf(err: unknown): OutboundRefused | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundRefused) return e;
  }
  return null;
}

/** The guard of the system resolver (production default). */
export function outboundGuard(allow: OutboundGuard['allow'], lookup: OutboundGuard['lookup'] = systemLookup): OutboundGuard {
  return { allow, lookup };
}
