/**
 * HTML templating for emails and reports: hono's `html` tagged template escapes every interpolated
 * value (text and attributes alike) unless it is itself a template or `raw()`, so a value can no
 * longer be interpolated unescaped by forgetting a call. Pure.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export { html, raw };
export type Html = HtmlEscapedString;
/** What the `html` tag returns (a promise only if a promise was interpolated; htmlString refuses that). */
export type HtmlTemplate = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The markup of a template built only from strings, numbers and other templates (no promise). */
export function htmlString(t: HtmlTemplate): string {
  if (t instanceof Promise) throw new TypeError('an email or report template must not contain a promise');
  return t.toString();
}

/** Templates joined by a separator (itself markup), like Array.join. */
export function joinHtml(parts: ReadonlyArray<HtmlTemplate>, separator: string): Html {
  return raw(parts.map(htmlString).join(separator));
}
