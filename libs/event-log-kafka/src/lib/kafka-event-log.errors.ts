import { EventLogError } from '@cdp/event-log';

/** How many of the request's ids the message names: a batch holds up to 500. */
const SHOWN_IDS = 3;

/** Another append is producing some of the same event ids right now; retrying soon will see them as duplicates. */
export class AppendInProgressError extends EventLogError {
  constructor(readonly eventIds: readonly string[]) {
    const shown = eventIds.length > SHOWN_IDS ? `${eventIds.slice(0, SHOWN_IDS).join(', ')} and ${eventIds.length - SHOWN_IDS} more` : eventIds.join(', ');
    super(
      'EVENT_LOG.APPEND_IN_PROGRESS',
      `${eventIds.length === 1 ? `event ${shown} is` : `${eventIds.length} events (${shown}) are`} being appended by another request; retry shortly (a writer that stopped lets go of them within 30 s): each is counted once, whatever the log ends up holding`,
    );
  }
}

/**
 * A partition held fewer messages than a subscriber had already processed of it: the topic was
 * deleted and made anew (an empty one, at a start), or replaced by an older copy. Reading on from
 * the checkpoint would skip whatever the new topic holds below it, so the partition is held back.
 */
export class LogShorterThanCheckpointError extends EventLogError {
  constructor(topic: string, partition: number, processed: string, end: string) {
    super(
      'EVENT_LOG.SHORTER_THAN_CHECKPOINT',
      `topic ${topic} partition ${partition} ended at offset ${end} when offsets up to ${processed} had been processed: the topic was deleted or replaced, and the partition is held back. ` +
        'Restore the topic from a backup that keeps offsets (the broker\'s log folders) and restart the projector processes, or rebuild every projection (cdp projections rebuild <name>) to go on from the topic as it is (docs/operations.md, Backups and recovery)',
    );
  }
}
