/**
 * One generic-watch check: any URL, a CSS selector or a text region, read and compared with the
 * watch's last text by a text diff. What to record is decided here (pure apart from the fetch);
 * the sweep (`generic/sweep.ts`) records it and notifies each change event once.
 */
import { createHash } from 'node:crypto';
import type { Notification } from '../shared/outbox.js';
import { diffText, extractRegion, type TextDiff } from './extract/text-diff.js';
import type { Fetcher } from './fetch/http.js';
import { renderGenericChangeMail } from './notify/render.js';
import type { ClaimedWatch } from '../../db/queries/watch-generic.js';

export interface GenericCheck {
  changed: boolean;
  baseline: boolean;
  summary: string | null;
  keys: string[];
  error: string | null;
}

export type Verdict =
  | { kind: 'error'; error: string }
  | { kind: 'baseline'; text: string; hash: string }
  | { kind: 'same' }
  | { kind: 'changed'; text: string; hash: string; diff: TextDiff };

export const textHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** Reads the watched region of the page; a page that cannot be read is an error verdict, not a throw. */
export async function readRegion(fetcher: Fetcher, w: ClaimedWatch, signal?: AbortSignal): Promise<{ text: string } | { error: string }> {
  try {
    const page = await fetcher.fetchPage(w.url, { signal, spacing: 'start' });
    if (page.status >= 400) return { error: `${w.url} answered ${page.status}` };
    return { text: extractRegion(page.body, w.selector ?? undefined, w.text_contains ?? undefined) };
  } catch (err) {
    if (signal?.aborted) throw err; // cancelled: not the page's fault
    return { error: (err as Error).message || String(err) };
  }
}

/** What the text read means for the watch: its baseline, no change, or a change (with the diff). */
export function judge(w: Pick<ClaimedWatch, 'last_text'>, read: { text: string } | { error: string }): Verdict {
  if ('error' in read) return { kind: 'error', error: read.error.slice(0, 2000) };
  if (w.last_text === null) return { kind: 'baseline', text: read.text, hash: textHash(read.text) };
  const diff = diffText(w.last_text, read.text);
  return diff.changed ? { kind: 'changed', text: read.text, hash: textHash(read.text), diff } : { kind: 'same' };
}

/** The notification of change event `seq` of a watch (email or signed webhook). */
export function changeNotification(w: ClaimedWatch, diff: TextDiff, key: string, seq: number): Notification {
  if (w.channel === 'webhook') {
    return {
      key,
      channel: 'webhook',
      payload: {
        url: w.target,
        body: { type: 'watch.changed', watchId: w.id, seq, url: w.url, summary: diff.summary, added: diff.added, removed: diff.removed },
      },
    };
  }
  return { key, channel: 'email', payload: { to: w.target, ...renderGenericChangeMail(w.name, w.url, diff) } };
}
