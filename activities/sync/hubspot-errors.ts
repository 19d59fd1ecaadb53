/**
 * HubSpot's refusals as the sync reads them: HubSpotError (status, message, body) thrown by the
 * gateway, the structured error body HubSpot answers (`{category, message, context}`), and the
 * holder of a unique value a CONFLICT names (how an existing contact is adopted by email). Pure.
 */

export class HubSpotError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'HubSpotError';
  }
  /** HubSpot's error category (`CONFLICT`, `VALIDATION_ERROR`, `INVALID_AUTHENTICATION`...), when its body says. */
  get category(): string | null {
    return structuredError(this.body)?.category ?? null;
  }
}

/** One error as HubSpot answers it: `{status:'error', category, message, context?, errors?}`. */
export interface HubSpotStructuredError {
  category: string;
  message: string;
  context: Record<string, string[]>;
}

/** Reads HubSpot's structured error body (a whole-request error or one entry of a batch's `errors`). */
export function structuredError(body: unknown): HubSpotStructuredError | null {
  if (typeof body === 'string') {
    try {
      return structuredError(JSON.parse(body));
    } catch {
      return null;
    }
  }
  if (!body || typeof body !== 'object') return null;
  const b = body as { category?: unknown; message?: unknown; context?: unknown };
  if (typeof b.category !== 'string') return null;
  const context: Record<string, string[]> = {};
  if (b.context && typeof b.context === 'object') {
    for (const [k, v] of Object.entries(b.context as Record<string, unknown>)) if (Array.isArray(v)) context[k] = v.map(String);
  }
  return { category: b.category, message: typeof b.message === 'string' ? b.message : '', context };
}

/**
 * The object a CONFLICT error names: HubSpot puts the holder's id in `context.id` for unique
 * properties, and for a contact's email only in its fixed message ("Contact already exists.
 * Existing ID: 123"). Null for any other error.
 */
export function conflictingObjectId(err: HubSpotStructuredError | null): string | null {
  if (!err || err.category !== 'CONFLICT') return null;
  const fromContext = err.context.id?.[0];
  if (fromContext && /^\d+$/.test(fromContext)) return fromContext;
  return /Existing ID: (\d+)/.exec(err.message)?.[1] ?? null;
}
