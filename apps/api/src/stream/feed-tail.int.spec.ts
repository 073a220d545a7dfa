import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@cdp/event-log';
import { createPostgresEventLog, type PostgresEventLog } from '@cdp/event-log-postgres';
import { createPgliteSqlClient, type SqlClient } from '@cdp/sql';
import { feedTail, type FeedTail, type TailListener } from './feed-tail';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A listener that keeps what it is handed, and takes `capacity` batches before it refuses one. */
function recorder(capacity = Infinity) {
  const ids: string[] = [];
  let batches = 0;
  const listener: TailListener = {
    take: (events: readonly RecordedEvent[]) => {
      ids.push(...events.map((e) => e.eventId));
      return ++batches <= capacity;
    },
  };
  return { ids, listener };
}

describe('the shared tail of the feed log (PGlite)', () => {
  let sql: SqlClient;
  let log: PostgresEventLog;
  let tail: FeedTail;
  let subscribed = 0;
  const errors: unknown[] = [];

  /** Appends `count` events in one transaction, and gives their ids in log order. */
  const append = async (count: number) => {
    const events = Array.from({ length: count }, () => ({ eventId: randomUUID(), type: 'CustomerChange', data: {} }));
    const [written] = await log.appendMany([{ streamId: `customer-${randomUUID()}`, events }]);
    return written.events.map((e) => e.eventId);
  };

  beforeEach(async () => {
    sql = await createPgliteSqlClient();
    const real = await createPostgresEventLog(sql, { pollIntervalMs: 10 });
    // Counts who reads the log: the tail must be its only reader, however many listen.
    log = { ...real, subscribe: (options) => (subscribed++, real.subscribe(options)) };
    subscribed = 0;
    errors.length = 0;
    tail = feedTail(log, { keep: 50, maxBatchSize: 20, idleMs: 60_000, onError: (error) => errors.push(error) });
  });

  afterEach(async () => {
    await tail.close();
    await log.close();
    await sql.close();
  });

  it('reads each new event once for all its listeners, and hands each of them every event in order', async () => {
    const head = (await log.headCheckpoint()).all;
    const listeners = Array.from({ length: 20 }, () => recorder());
    for (const { listener } of listeners) expect(await tail.join(head, listener)).toBeDefined();

    const appended = [...(await append(30)), ...(await append(25))];
    await until(() => listeners.every(({ ids }) => ids.length >= appended.length), 'every listener to get every event');
    await sleep(100);

    expect(listeners.map(({ ids }) => ids)).toEqual(listeners.map(() => appended));
    expect(subscribed).toBe(1);
    expect(errors).toEqual([]);
  });

  it('hands a listener that joins a little behind what the tail keeps after its position, and refuses one further behind', async () => {
    const before = await append(3);
    const early = recorder();
    await tail.join((await log.headCheckpoint()).all, early.listener);
    const kept = await append(60);
    await until(() => early.ids.length === kept.length, 'the tail to read the new events');

    // The tail keeps the latest 50: ten of the 60 are gone from it.
    const offsets = await offsetsOf(log, [...before, ...kept]);
    expect(early.ids).toEqual(kept);
    expect(tail.covers(offsets.get(kept[5]))).toBe(false);
    expect(await tail.join(offsets.get(kept[5]), recorder().listener)).toBeUndefined();
    const behind = recorder();
    expect(tail.covers(offsets.get(kept[30]))).toBe(true);
    expect(await tail.join(offsets.get(kept[30]), behind.listener)).toBeDefined();
    expect(behind.ids).toEqual(kept.slice(31));
  });

  it('lets go of a listener that refuses a batch, and hands it nothing more', async () => {
    const head = (await log.headCheckpoint()).all;
    const full = recorder(1);
    const steady = recorder();
    const membership = await tail.join(head, full.listener);
    await tail.join(head, steady.listener);

    const first = await append(5);
    await until(() => full.ids.length === 5, 'the first batch');
    const second = await append(5);
    await until(() => full.ids.length === 10, 'the refused batch');
    await membership!.ended;
    await append(5);
    await until(() => steady.ids.length === 15, 'the steady listener to get every event');

    expect(full.ids).toEqual([...first, ...second]);
  });
});

async function offsetsOf(log: PostgresEventLog, eventIds: readonly string[]): Promise<Map<string, string>> {
  const offsets = new Map<string, string>();
  const reading = await log.subscribe({
    subscriberId: 'offsets',
    from: {},
    onBatch: async ({ events }) => void events.forEach((e) => offsets.set(e.eventId, e.offset)),
  });
  await until(() => eventIds.every((id) => offsets.has(id)), 'the offsets of the events');
  await reading.close();
  return offsets;
}
