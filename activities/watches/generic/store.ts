/**
 * A generic watch's change events, numbered by a per-watch sequence, each recorded with its outbox
 * row in one transaction and fenced by the sweep's lease (queries in db/queries/watch-generic.ts).
 */
import type { Db } from '../../../db/client.js';
import { advanceChangeSeq, insertGenericChange, type ClaimedWatch } from '../../../db/queries/watch-generic.js';
import { enqueue, type Notification } from '../../shared/outbox.js';

export interface ChangeEvent {
  watch: ClaimedWatch;
  next: Date;
  text: string;
  hash: string;
  summary: string;
  added: string[];
  removed: string[];
  note: (seq: number) => Notification;
}

export const changeKey = (watchId: number, seq: number) => `watch:generic:${watchId}:seq:${seq}`;

/**
 * Records change event `seq + 1` of a watch with its outbox row, in one transaction, only while
 * the watch is still leased to `owner` at the sequence the check started from. Answers the outbox
 * key, or null when the lease was lost (another sweep owns the watch now).
 */
export async function recordChange(db: Db, owner: string, ev: ChangeEvent): Promise<string | null> {
  return db.transaction().execute(async (tx) => {
    const seq = await advanceChangeSeq(tx, owner, { id: ev.watch.id, seq: ev.watch.seq, text: ev.text, hash: ev.hash, next: ev.next });
    if (seq === undefined) return null;
    await insertGenericChange(tx, {
      watch_id: ev.watch.id,
      seq,
      summary: ev.summary,
      added: JSON.stringify(ev.added),
      removed: JSON.stringify(ev.removed),
      text_hash: ev.hash,
      prev_hash: ev.watch.last_hash,
      sweep: owner,
    });
    const note = ev.note(seq);
    await enqueue(tx, [note]);
    return note.key;
  });
}
