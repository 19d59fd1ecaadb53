/**
 * Domain-name normalisation and checks, shared by the API (order validation), the alternatives
 * generator and the activities. IDN names are converted to their ASCII (punycode) form first, so
 * every label we store or send to a registrar is a valid LDH label.
 */
import { domainToASCII, domainToUnicode } from 'node:url';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** A label is 1–63 letters, digits or hyphens, not starting or ending with a hyphen. */
export function isValidLabel(label: string): boolean {
  if (!LABEL.test(label)) return false;
  // "ab--" at positions 3-4 is reserved for A-labels (xn--); anything else there is invalid.
  if (label.length >= 4 && label[2] === '-' && label[3] === '-' && !label.startsWith('xn--')) return false;
  return true;
}

/** Lower-cases, trims, drops a trailing dot and converts IDN to ASCII; null when not a valid registrable name. */
export function normalizeDomain(input: string): string | null {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, '');
  if (trimmed.length === 0 || trimmed.length > 253 || /[\s/\\:@?#]/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2) return null;
  if (!labels.every(isValidLabel)) return null;
  if (!TLD.test(labels[labels.length - 1]!)) return null;
  return ascii;
}

/** The registrable part's first label and the rest: "mon-salon.co.uk" -> {sld: "mon-salon", tld: "co.uk"}. */
export function splitDomain(domain: string): { sld: string; tld: string } {
  const i = domain.indexOf('.');
  return { sld: domain.slice(0, i), tld: domain.slice(i + 1) };
}

/** The name as a person reads it (punycode decoded). */
export function displayDomain(domain: string): string {
  return domainToUnicode(domain) || domain;
}
