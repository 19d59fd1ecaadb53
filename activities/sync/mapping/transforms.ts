import { textOf } from '../../../core/text-of.js';
/**
 * Value transforms shared by every entity mapping. Each one turns a raw value from either side
 * into the canonical form the engine compares and hashes, and formats a canonical value for the
 * side it is written to. Canonical values are strings, numbers or null, never undefined.
 */
import type { Canon, Side } from '../../../core/contracts/sync.js';

export interface Transform {
  /** Raw value read from `side` -> canonical value. Must be idempotent: canon(out(canon(x))) = canon(x). */
  canon(raw: unknown, side: Side): Canon;
  /** Canonical value -> what is written to `side`. */
  out(value: Canon, side: Side): unknown;
}

const str = (raw: unknown): string | null => {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    // Sage links ({id, displayed_as}) carry their code in `id`.
    if (typeof o.id === 'string') return o.id;
    return null;
  }
  const s = textOf(raw).replace(/\s+/g, ' ').trim();
  return s.length ? s : null;
};

const identityOut = (v: Canon) => v;

export const text: Transform = { canon: (raw) => str(raw), out: identityOut };

export const email: Transform = {
  canon: (raw) => str(raw)?.toLowerCase().replace(/\s/g, '') ?? null,
  out: identityOut,
};

/** Dialling codes of the countries the agency's customers are in; others keep their + form. */
const DIAL: Record<string, string> = { FR: '33', BE: '32', CH: '41', LU: '352', DE: '49', ES: '34', IT: '39', GB: '44', MC: '377', NL: '31', PT: '351' };

/** Any French or international spelling of a phone number -> E.164 (+33123456789). */
export function toE164(raw: string, defaultCountry = 'FR'): string | null {
  let s = raw.replace(/\(0\)/g, '').replace(/[\s.\-/()]/g, '');
  if (!s) return null;
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!s.startsWith('+')) {
    const code = DIAL[defaultCountry] ?? '33';
    s = s.startsWith('0') ? `+${code}${s.slice(1)}` : `+${code}${s}`;
  }
  if (!/^\+[1-9]\d{6,14}$/.test(s)) return null;
  // +33 0 6… written by hand: the trunk 0 does not belong after the country code
  if (s.startsWith('+330')) s = `+33${s.slice(4)}`;
  return s;
}

export const phone: Transform = {
  canon: (raw) => {
    const s = str(raw);
    if (!s) return null;
    return toE164(s) ?? s;
  },
  out: identityOut,
};

const COUNTRY_NAMES: Record<string, string> = {
  france: 'FR',
  'république française': 'FR',
  belgique: 'BE',
  belgium: 'BE',
  suisse: 'CH',
  switzerland: 'CH',
  luxembourg: 'LU',
  allemagne: 'DE',
  germany: 'DE',
  deutschland: 'DE',
  espagne: 'ES',
  spain: 'ES',
  españa: 'ES',
  italie: 'IT',
  italy: 'IT',
  italia: 'IT',
  'royaume-uni': 'GB',
  'united kingdom': 'GB',
  uk: 'GB',
  'great britain': 'GB',
  monaco: 'MC',
  'pays-bas': 'NL',
  netherlands: 'NL',
  portugal: 'PT',
  'états-unis': 'US',
  'united states': 'US',
  usa: 'US',
  canada: 'CA',
  irlande: 'IE',
  ireland: 'IE',
  autriche: 'AT',
  austria: 'AT',
};
const ALPHA3: Record<string, string> = {
  FRA: 'FR',
  BEL: 'BE',
  CHE: 'CH',
  LUX: 'LU',
  DEU: 'DE',
  ESP: 'ES',
  ITA: 'IT',
  GBR: 'GB',
  MCO: 'MC',
  NLD: 'NL',
  PRT: 'PT',
  USA: 'US',
  CAN: 'CA',
  IRL: 'IE',
  AUT: 'AT',
};

/** Country name (French or English), ISO alpha-2 or alpha-3 -> ISO 3166-1 alpha-2; unknown text kept as it is. */
export function toIsoCountry(raw: string): string {
  const s = raw.trim();
  if (/^[A-Za-z]{2}$/.test(s)) return s.toUpperCase();
  if (/^[A-Za-z]{3}$/.test(s) && ALPHA3[s.toUpperCase()]) return ALPHA3[s.toUpperCase()]!;
  return COUNTRY_NAMES[s.toLowerCase()] ?? s;
}

export const country: Transform = {
  canon: (raw) => {
    const s = str(raw);
    return s ? toIsoCountry(s) : null;
  },
  out: (v, side) => (side === 'sage' && v ? { id: v } : v),
};

export interface VatCheck {
  normalized: string;
  valid: boolean;
  reason?: string;
}

/** EU VAT number: upper case, no separators; French numbers have their check key verified. */
export function checkVat(raw: string): VatCheck {
  const normalized = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (!/^[A-Z]{2}[A-Z0-9]{2,12}$/.test(normalized)) return { normalized, valid: false, reason: 'not an EU VAT number' };
  if (normalized.startsWith('FR')) {
    const m = /^FR([0-9A-Z]{2})(\d{9})$/.exec(normalized);
    if (!m) return { normalized, valid: false, reason: 'FR + 2-character key + 9-digit SIREN expected' };
    const [, key, siren] = m as unknown as [string, string, string];
    if (/^\d{2}$/.test(key)) {
      const expected = (12 + 3 * (Number(siren) % 97)) % 97;
      if (Number(key) !== expected) return { normalized, valid: false, reason: `check key ${key} should be ${String(expected).padStart(2, '0')}` };
    }
  }
  return { normalized, valid: true };
}

export const vat: Transform = {
  canon: (raw) => {
    const s = str(raw);
    return s ? checkVat(s).normalized : null;
  },
  out: identityOut,
};

/** Money: a number rounded to cents (Sage sends strings like "1234.5"); HubSpot gets a string. */
export const amount: Transform = {
  canon: (raw) => {
    if (raw === null || raw === undefined || raw === '') return null;
    const n = typeof raw === 'number' ? raw : Number(textOf(raw).replace(/\s/g, '').replace(',', '.'));
    return Number.isFinite(n) ? Math.round(n * 100) / 100 : null;
  },
  out: (v, side) => (v === null ? null : side === 'hubspot' ? (v as number).toFixed(2) : v),
};

export const currency: Transform = {
  canon: (raw) => {
    const s = str(raw)?.toUpperCase() ?? null;
    return s && /^[A-Z]{3}$/.test(s) ? s : s;
  },
  out: (v, side) => (side === 'sage' && v ? { id: v } : v),
};

/** A calendar date, YYYY-MM-DD (HubSpot date properties accept it; Sage sends it). */
export const date: Transform = {
  canon: (raw) => {
    if (raw === null || raw === undefined || raw === '') return null;
    if (typeof raw === 'number') return new Date(raw).toISOString().slice(0, 10);
    const s = textOf(raw).trim();
    if (/^\d{4}-\d{2}-\d{2}/.test(s)) return s.slice(0, 10);
    if (/^\d+$/.test(s)) return new Date(Number(s)).toISOString().slice(0, 10);
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
  },
  out: identityOut,
};

/**
 * A status code map: the canonical value is Sage's code; HubSpot's value is mapped to it and back.
 * Unknown HubSpot values map to null (never invented); unknown Sage codes are kept.
 */
export function statusMap(sageToHubSpot: Record<string, string>): Transform {
  const reverse = new Map<string, string>();
  for (const [s, h] of Object.entries(sageToHubSpot)) if (!reverse.has(h)) reverse.set(h, s);
  return {
    canon: (raw, side) => {
      const s = str(raw);
      if (!s) return null;
      return side === 'sage' ? s.toUpperCase() : (reverse.get(s) ?? null);
    },
    out: (v, side) => {
      if (v === null) return null;
      if (side === 'hubspot') return sageToHubSpot[String(v)] ?? null;
      return { id: v };
    },
  };
}

export const QUOTE_STAGES: Record<string, string> = {
  DRAFT: 'appointmentscheduled',
  PENDING: 'presentationscheduled',
  SENT: 'contractsent',
  ACCEPTED: 'closedwon',
  INVOICED: 'closedwon',
  DECLINED: 'closedlost',
  EXPIRED: 'closedlost',
};
export const INVOICE_STATUSES: Record<string, string> = {
  DRAFT: 'draft',
  UNPAID: 'open',
  PART_PAID: 'open',
  OVERDUE: 'open',
  PAID: 'paid',
  VOID: 'voided',
};
export const TICKET_STAGES: Record<string, string> = { OPEN: '1', SCHEDULED: '2', IN_PROGRESS: '3', DONE: '4', CANCELLED: '4' };
export const TICKET_PRIORITIES: Record<string, string> = { LOW: 'LOW', MEDIUM: 'MEDIUM', HIGH: 'HIGH' };

export const TRANSFORMS = {
  text,
  email,
  phone,
  country,
  vat,
  amount,
  currency,
  date,
  quoteStage: statusMap(QUOTE_STAGES),
  invoiceStatus: statusMap(INVOICE_STATUSES),
  ticketStage: statusMap(TICKET_STAGES),
  ticketPriority: statusMap(TICKET_PRIORITIES),
} as const satisfies Record<string, Transform>;
export type TransformName = keyof typeof TRANSFORMS;
