/** An error answered in HubSpot's shape: `{status:'error', message, correlationId, category, ...}`. */
import { randomUUID } from 'node:crypto';

export class HsError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly category: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
  body(): Record<string, unknown> {
    return { status: 'error', message: this.message, correlationId: randomUUID(), category: this.category, ...this.extra };
  }
}
