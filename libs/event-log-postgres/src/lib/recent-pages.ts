import type { RecordedEvent } from '@cdp/event-log';
import { comparePostgresLogOffsets } from './log-offsets';

interface Page {
  /** The offset the read started after. */
  readonly after: string;
  readonly events: readonly RecordedEvent[];
}

/**
 * The pages of the log this process's subscribers read last, so that a subscriber a little behind
 * another takes what it needs from memory instead of reading and parsing it again: in embedded
 * mode every projection follows one log. A page is final once read (a read stops before any
 * transaction still running, so nothing can come between its events later), so it never goes
 * stale. The events are frozen: every subscriber that takes a page gets the same objects.
 */
export function recentPages(maxEvents: number) {
  const pages: Page[] = [];
  const underWay = new Map<string, Promise<readonly RecordedEvent[]>>();
  let held = 0;

  /** Up to `limit` events after `offset`, when a kept page holds that offset and something after it. */
  function take(offset: string, limit: number): RecordedEvent[] | undefined {
    for (const page of pages) {
      const start = page.after === offset ? 0 : indexAfter(page.events, offset);
      if (start !== undefined && start < page.events.length) return page.events.slice(start, start + limit);
    }
    return undefined;
  }

  function keep(after: string, events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    freeze(events);
    pages.push({ after, events });
    held += events.length;
    while (held > maxEvents && pages.length > 1) held -= pages.shift()!.events.length;
  }

  /**
   * Up to `limit` events after `offset`: from a kept page, from the same read under way for another
   * subscriber (woken by the same append, they all ask at once), or read by `load`, then kept when
   * `share` says there is anyone to share it with.
   */
  async function read(offset: string, limit: number, load: () => Promise<RecordedEvent[]>, share: boolean): Promise<RecordedEvent[]> {
    const kept = take(offset, limit);
    if (kept) return kept;
    const reading = underWay.get(offset);
    if (reading) return freeze(await reading).slice(0, limit);
    const loading = load();
    underWay.set(offset, loading);
    try {
      const events = await loading;
      if (share) keep(offset, events);
      return events;
    } finally {
      underWay.delete(offset);
    }
  }

  return { take, keep, read };
}

/** The index just after the event at `offset` in `events`, by binary search; undefined when it is not there. */
function indexAfter(events: readonly RecordedEvent[], offset: string): number | undefined {
  let [low, high] = [0, events.length - 1];
  while (low <= high) {
    const middle = (low + high) >> 1;
    const order = comparePostgresLogOffsets(events[middle].offset, offset);
    if (order === 0) return middle + 1;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

function freeze<T extends readonly RecordedEvent[]>(events: T): T {
  for (const event of events) deepFreeze(event);
  return events;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
