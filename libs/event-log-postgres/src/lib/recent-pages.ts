import type { RecordedEvent } from '@cdp/event-log';

interface Page {
  /** The offset the read started after. */
  readonly after: string;
  readonly events: readonly RecordedEvent[];
}

/** An event kept in memory: the page that holds it, and where. */
interface Kept {
  readonly page: Page;
  readonly index: number;
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
  /**
   * Where the event after an offset is kept: a page's start, or the offset of each of its events
   * but the last. Consecutive pages chain through it (a page read from where another ends starts
   * at that one's last offset), so a subscriber behind the others takes many small pages at once:
   * under a trickle of appends, the pages are a few events each.
   */
  const nextAfter = new Map<string, Kept>();
  const underWay = new Map<string, Promise<readonly RecordedEvent[]>>();
  let held = 0;

  /** Up to `limit` events after `offset`, across the kept pages that follow each other; undefined when none is kept. */
  function take(offset: string, limit: number): RecordedEvent[] | undefined {
    const taken: RecordedEvent[] = [];
    for (let kept = nextAfter.get(offset); kept !== undefined && taken.length < limit; kept = nextAfter.get(taken[taken.length - 1].offset)) {
      const { page, index } = kept;
      for (let i = index; i < page.events.length && taken.length < limit; i++) taken.push(page.events[i]);
    }
    return taken.length > 0 ? taken : undefined;
  }

  function keep(after: string, events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    freeze(events);
    const page = { after, events };
    pages.push(page);
    held += events.length;
    forEachStart(page, (offset, index) => nextAfter.set(offset, { page, index }));
    while (held > maxEvents && pages.length > 1) {
      const dropped = pages.shift()!;
      held -= dropped.events.length;
      forEachStart(dropped, (offset) => {
        if (nextAfter.get(offset)?.page === dropped) nextAfter.delete(offset);
      });
    }
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

/** Each offset of `page` that an event of it follows: its start, and each of its events but the last. */
function forEachStart(page: Page, visit: (offset: string, index: number) => void): void {
  visit(page.after, 0);
  for (let i = 0; i < page.events.length - 1; i++) visit(page.events[i].offset, i + 1);
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
