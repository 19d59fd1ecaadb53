/** The Sage fake's public face: its options, the controls and statistics a test reads (sandbox/sage/index.ts serves them). */
import type { SageResource } from './resources.js';

type Json = Record<string, unknown>;

export interface SageFakeOptions {
  clientId?: string;
  clientSecret?: string;
  businessId?: string;
  /** A refresh token valid at start (what the first authorization gave); default random. */
  initialRefreshToken?: string;
  /** Access-token lifetime; Sage's is 300 s. */
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  rateLimit?: { max: number; windowMs?: number };
  /**
   * Whether a contact's full representation carries its `contact_persons` (default true). Off, a
   * client reads them from `GET /contact_persons?contact_id=` as it must where Sage does not embed them.
   */
  embedContactPersons?: boolean;
  /** Clock for created_at / updated_at / deleted_at and token expiry. Default Date.now. */

  now?: () => number;
}

export interface SageRequestRecord {
  method: string;
  route: string;
  status: number;
  at: number;
}
export interface SageStats {
  requests: number;
  throttled: number;
  byRoute: Record<string, number>;
  /** Successful refresh-token grants. */
  tokenRefreshes: number;
  /** Refresh grants refused (stale, unknown or expired refresh token, bad client). */
  rejectedRefreshes: number;
  /** API calls refused 401 (expired or unknown access token). */
  unauthorized: number;
  log: SageRequestRecord[];
}

export interface SageFailureRule {
  method?: string;
  path?: string | RegExp;
  status: number;
  count?: number;
}

export interface SageFake {
  /** Server root. */
  url: string;
  /** API base for SAGE_API_URL: `${url}/v3.1`. */
  apiUrl: string;
  /** Token endpoint for SAGE_OAUTH_URL: `${url}/oauth2/token` (`/token` answers too). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  businessId: string;
  close(): Promise<void>;
  /** The refresh token Sage currently accepts (the latest issued). */
  currentRefreshToken(): string;
  /** A fresh authorization: issues a new valid refresh token (invalidating the previous one). */
  issueRefreshToken(): string;
  /** Every access token issued so far stops working now. */
  expireAccessTokens(): void;
  setRateLimit(limit: { max: number; windowMs?: number } | undefined): void;
  failNext(rule: SageFailureRule): void;
  stats(): SageStats;
  resetStats(): void;
  /** Full v3.1 representation of a record (deleted ones too, with deleted_at). */
  get(resource: SageResource, id: string): Json | undefined;
  /** Live records, full representation, in creation order. */
  list(resource: SageResource): Json[];
  /** Changes made "in Sage" by a person: same validation and timestamps as the API. */
  direct: {
    create(resource: SageResource, body: Json): Json;
    update(resource: SageResource, id: string, body: Json): Json;
    delete(resource: SageResource, id: string): void;
  };
}
