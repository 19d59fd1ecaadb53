/** Zod pieces several settings share: a comma list, a port, a port range. */
import { z } from 'zod';

export const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  );

export const port = z.coerce.number().int().min(0).max(65535);
/** A port or an inclusive range `from-to`; 0 = off. */
export const portRange = z
  .string()
  .regex(/^\d{1,5}(-\d{1,5})?$/, 'a port or a range like 9470-9479')
  .default('0')
  .transform((s) => {
    const [from, to = from] = s.split('-').map(Number) as [number, number?];
    return { from, to };
  })
  .refine((r) => r.from <= r.to && r.to <= 65535, 'a range from a lower to a higher port, at most 65535');
