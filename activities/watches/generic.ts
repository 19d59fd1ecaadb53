/**
 * Generic watches: any URL, a CSS selector or a text region, compared with the last check by a
 * text diff. A change is recorded once per new text (unique hash) and notified through the same
 * outbox as alerts, keyed `watch:generic:<id>:<hash>`.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { enqueue, type Notification } from '../shared/outbox.js';
import { diffText, extractRegion } from './extract/text-diff.js';
import type { Fetcher } from './fetch/http.js';
import { pendingKeys } from './notify/alerts.js';
import { renderGenericChangeMail } from './notify/render.js';

export interface GenericCheck {
  changed: boolean;
  baseline: boolean;
  summary: string | null;
  keys: string[];
  error: string | null;
}

export async function checkGenericWatch(db: Db, fetcher: Fetcher, watchId: number, signal?: AbortSignal): Promise<GenericCheck> {
  const w = await db.selectFrom('watch_generic').selectAll().where('id', '=', watchId).executeTakeFirst();
  if (!w) return { changed: false, baseline: false, summary: null, keys: [], error: 'watch not found' };
  let text: string;
  try {
    const page = await fetcher.fetchPage(w.url, { signal });
    if (page.status >= 400) throw new Error(`${w.url} answered ${page.status}`);
    text = extractRegion(page.body, w.selector ?? undefined, w.text_contains ?? undefined);
  } catch (err) {
    if (signal?.aborted) throw err; // cancelled: not the page's fault
    const message = (err as Error).message;
    await db.updateTable('watch_generic').set({ last_error: message, last_checked_at: new Date() }).where('id', '=', watchId).execute();
    return { changed: false, baseline: false, summary: null, keys: [], error: message };
  }
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 32);
  if (w.last_text === null) {
    await db.updateTable('watch_generic').set({ last_text: text, last_checked_at: new Date(), last_error: null }).where('id', '=', watchId).execute();
    return { changed: false, baseline: true, summary: null, keys: [], error: null };
  }
  const diff = diffText(w.last_text, text);
  if (!diff.changed) {
    await db.updateTable('watch_generic').set({ last_checked_at: new Date(), last_error: null }).where('id', '=', watchId).execute();
    return { changed: false, baseline: false, summary: null, keys: [], error: null };
  }
  const key = `watch:generic:${w.id}:${hash}`;
  const mail = renderGenericChangeMail(w.name, w.url, diff);
  const note: Notification =
    w.channel === 'webhook'
      ? { key, channel: 'webhook', payload: { url: w.target, body: { type: 'watch.changed', watchId: w.id, url: w.url, summary: diff.summary, added: diff.added, removed: diff.removed } } }
      : { key, channel: 'email', payload: { to: w.target, ...mail } };
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('watch_generic_changes')
      .values({ watch_id: w.id, summary: diff.summary, added: JSON.stringify(diff.added), removed: JSON.stringify(diff.removed), text_hash: hash })
      .onConflict((oc) => oc.columns(['watch_id', 'text_hash']).doNothing())
      .execute();
    await enqueue(tx, [note]);
    await tx.updateTable('watch_generic').set({ last_text: text, last_checked_at: new Date(), last_changed_at: new Date(), last_error: null }).where('id', '=', w.id).execute();
  });
  return { changed: true, baseline: false, summary: diff.summary, keys: await pendingKeys(db, [key]), error: null };
}
