/**
 * The Sage fake's OAuth2: the refresh-token grant with rotation (the previous refresh token stops
 * working), short-lived access tokens, and the controls a test uses to expire or reissue them.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SageStats } from './types.js';

type Json = Record<string, unknown>;

export interface SageOAuthOptions {
  clientId: string;
  clientSecret: string;
  now: () => number;
  accessTtl: number;
  refreshTtl: number;
  initialRefreshToken?: string;
}

export type SageOAuth = ReturnType<typeof createSageOAuth>;

export function createSageOAuth(o: SageOAuthOptions) {
  const { clientId, clientSecret, now, accessTtl, refreshTtl } = o;
  const accessTokens = new Map<string, number>();
  let refresh = { token: o.initialRefreshToken ?? `rt-${randomBytes(24).toString('hex')}`, expiresAt: now() + refreshTtl };

  /** The token endpoint: a refresh-token grant rotates the refresh token and issues an access token. */
  const grant = (body: string, req: IncomingMessage, stats: SageStats): { status: number; body: Json } => {
    const type = req.headers['content-type'] ?? '';
    const params: Record<string, string> = type.includes('application/json')
      ? (JSON.parse(body || '{}') as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(body));
    let id = params.client_id;
    let secret = params.client_secret;
    const basic = req.headers.authorization?.match(/^Basic (.+)$/)?.[1];
    if (basic) [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':') as [string, string];
    if (id !== clientId || secret !== clientSecret) {
      stats.rejectedRefreshes++;
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    if (params.grant_type !== 'refresh_token') {
      stats.rejectedRefreshes++;
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: `grant_type ${params.grant_type ?? '(none)'} is not supported here` } };
    }
    if (!params.refresh_token || params.refresh_token !== refresh.token || refresh.expiresAt <= now()) {
      stats.rejectedRefreshes++;
      return { status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or was already used' } };
    }
    const access = `at-${randomBytes(24).toString('hex')}`;
    accessTokens.set(access, now() + accessTtl);
    refresh = { token: `rt-${randomBytes(24).toString('hex')}`, expiresAt: now() + refreshTtl };
    stats.tokenRefreshes++;
    return {
      status: 200,
      body: {
        access_token: access,
        expires_in: accessTtl / 1000,
        token_type: 'bearer',
        refresh_token: refresh.token,
        refresh_token_expires_in: refreshTtl / 1000,
        scope: 'full_access',
        requested_by_id: 'f3e4d5c6b7a8',
      },
    };
  };

  return {
    grant,
    /** Whether an access token works now: 'unknown', 'expired' or 'valid'. */
    access(token: string | undefined): 'unknown' | 'expired' | 'valid' {
      const expiry = token ? accessTokens.get(token) : undefined;
      if (expiry === undefined) return 'unknown';
      return expiry <= now() ? 'expired' : 'valid';
    },
    currentRefreshToken: () => refresh.token,
    issueRefreshToken: () => {
      refresh = { token: `rt-${randomBytes(24).toString('hex')}`, expiresAt: now() + refreshTtl };
      return refresh.token;
    },
    expireAccessTokens: () => {
      for (const k of accessTokens.keys()) accessTokens.set(k, 0);
    },
  };
}
