import { randomUUID } from 'node:crypto';
import { ExpectedVersionConflictError, ExpectedVersionUnsupportedError } from '../lib/port/event-log.errors';
import type { Checkpoint, EventLog, ExpectedVersion, NewEvent, RecordedEvent, SubscriptionBatch } from '../lib/port/event-log.port';

/**
 * The behaviour every event-log adapter must show. Call it from an adapter's *.int.spec.ts with a
 * factory that opens a log against a real server (or PGlite). Each test uses its own streams, in
 * a stream category unique to this run, so suites can share a server.
 */
export function describeEventLogContract(adapter: string, openLog: () => Promise<EventLog>): void {
  describe(`${adapter} event log contract`, () => {
    let log: EventLog;
    const category = `contract${randomUUID().slice(0, 8)}`;
    const newStream = () => `${category}-${randomUUID()}`;
    const event = (n: number, type = 'thing_happened'): NewEvent => ({
      eventId: randomUUID(),
      type,
      data: { n, text: `event ${n}`, nested: { amount: '300000.10' } },
      metadata: { source: 'contract-suite' },
    });

    beforeAll(async () => {
      log = await openLog();
    });
    afterAll(() => log.close());

    describe('append and read a stream', () => {
      it('keeps the order of events within a stream across appends', async () => {
        const stream = newStream();
        const first = await log.append(stream, [event(0), event(1)]);
        const second = await log.append(stream, [event(2)]);

        expect(first.events.map((e) => e.streamPosition)).toEqual([0, 1]);
        expect(second.events.map((e) => e.streamPosition)).toEqual([2]);
        const read = await log.readStream(stream);
        expect(read.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
        expect(read.map((e) => e.streamPosition)).toEqual([0, 1, 2]);
      });

      it('gives back data, type, metadata and ids exactly as appended', async () => {
        const stream = newStream();
        const appended = event(7, 'purchase');
        const result = await log.append(stream, [appended]);
        const [read] = await log.readStream(stream);

        expect(read).toMatchObject({ ...appended, streamId: stream, streamPosition: 0, position: result.events[0].position });
        expect(new Date(read.recordedAt).toISOString()).toBe(read.recordedAt);
      });

      it('reads a stream from a position, and an unknown stream as empty', async () => {
        const stream = newStream();
        await log.append(stream, [event(0), event(1), event(2)]);

        expect((await log.readStream(stream, { fromPosition: 1 })).map((e) => e.streamPosition)).toEqual([1, 2]);
        expect(await log.readStream(newStream())).toEqual([]);
      });

      it('appends to several streams at once, each in order, with distinct positions', async () => {
        const [a, b] = [newStream(), newStream()];
        const results = await log.appendMany([
          { streamId: a, events: [event(0), event(1)] },
          { streamId: b, events: [event(10)] },
          { streamId: a, events: [event(2)] },
        ]);

        expect(results.map((r) => r.events.map((e) => e.streamPosition))).toEqual([[0, 1], [0], [2]]);
        const positions = results.flatMap((r) => r.events.map((e) => e.position));
        expect(new Set(positions).size).toBe(4);
        expect((await log.readStream(a)).map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
      });
    });

    describe('read several streams at once', () => {
      it('reads each stream from its own position, in the order asked, an unknown one as empty', async () => {
        const [a, b] = [newStream(), newStream()];
        await log.appendMany([
          { streamId: a, events: [event(0), event(1), event(2)] },
          { streamId: b, events: [event(10), event(11)] },
        ]);

        const read = await log.readStreams([{ streamId: b }, { streamId: newStream() }, { streamId: a, fromPosition: 1 }]);
        expect(read.map((events) => events.map((e) => (e.data as { n: number }).n))).toEqual([[10, 11], [], [1, 2]]);
        expect(read[2].map((e) => [e.streamId, e.streamPosition])).toEqual([
          [a, 1],
          [a, 2],
        ]);
      });

      it('reads at most maxCount events of each stream', async () => {
        const [a, b] = [newStream(), newStream()];
        await log.appendMany([
          { streamId: a, events: [event(0), event(1), event(2)] },
          { streamId: b, events: [event(10), event(11)] },
        ]);

        const read = await log.readStreams([{ streamId: a }, { streamId: b, fromPosition: 1 }], { maxCount: 2 });
        expect(read.map((events) => events.map((e) => e.streamPosition))).toEqual([[0, 1], [1]]);
      });
    });

    describe('idempotent append by event id', () => {
      it('stores a repeated event id once and reports the first position', async () => {
        const stream = newStream();
        const repeated = event(1);
        const first = await log.append(stream, [event(0), repeated]);
        const again = await log.append(stream, [repeated]);

        expect(again.events).toEqual([{ ...first.events[1], duplicate: true }]);
        expect((await log.readStream(stream)).map((e) => e.eventId)).toHaveLength(2);
      });

      it('skips the repeated ids of a batch and appends the new ones', async () => {
        const stream = newStream();
        const known = event(0);
        await log.append(stream, [known]);
        const result = await log.appendMany([{ streamId: stream, events: [known, event(1)] }]);

        expect(result[0].events.map((e) => [e.streamPosition, e.duplicate])).toEqual([
          [0, true],
          [1, false],
        ]);
        expect(await log.readStream(stream)).toHaveLength(2);
      });

      it('stores an id repeated within one append once, reporting the repeat as a duplicate', async () => {
        const stream = newStream();
        const twice = event(0);
        const result = await log.append(stream, [twice, event(1), twice]);

        expect(result.events.map((e) => [e.eventId, e.streamPosition, e.duplicate])).toEqual([
          [twice.eventId, 0, false],
          [result.events[1].eventId, 1, false],
          [twice.eventId, 0, true],
        ]);
        expect((await log.readStream(stream)).map((e) => e.eventId)).toEqual([twice.eventId, result.events[1].eventId]);
      });

      it('keeps one copy when the same new event is appended concurrently', async () => {
        const stream = newStream();
        const raced = event(0);
        const results = await Promise.all([1, 2, 3].map(() => log.append(stream, [raced])));

        expect(results.filter((r) => !r.events[0].duplicate)).toHaveLength(1);
        expect(await log.readStream(stream)).toHaveLength(1);
      });
    });

    describe('expected version', () => {
      it('enforces the expected version, or refuses it clearly where the log cannot', async () => {
        const stream = newStream();
        if (!log.capabilities.expectedVersion) {
          await expect(log.append(stream, [event(0)], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
            ExpectedVersionUnsupportedError,
          );
          expect(await log.readStream(stream)).toEqual([]);
          return;
        }
        await log.append(stream, [event(0)], { expectedVersion: 'no_stream' });
        await log.append(stream, [event(1)], { expectedVersion: 0 });

        await expect(log.append(stream, [event(2)], { expectedVersion: 0 })).rejects.toMatchObject({
          code: 'EVENT_LOG.EXPECTED_VERSION_CONFLICT',
          expected: 0,
          actual: 1,
        });
        await expect(log.append(stream, [event(2)], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
          ExpectedVersionConflictError,
        );
        await expect(log.append(newStream(), [event(0)], { expectedVersion: 3 })).rejects.toMatchObject({
          actual: 'no_stream',
        });
        expect(await log.readStream(stream)).toHaveLength(2);
      });

      it('lets exactly one of several concurrent writers at the same version win', async () => {
        if (!log.capabilities.expectedVersion) return;
        const stream = newStream();
        await log.append(stream, [event(0)]);
        const outcomes = await Promise.allSettled(
          [1, 2, 3, 4, 5].map((n) => log.append(stream, [event(n)], { expectedVersion: 0 })),
        );

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes.filter((o) => o.status === 'rejected')) {
          expect((o as PromiseRejectedResult).reason).toBeInstanceOf(ExpectedVersionConflictError);
        }
        expect(await log.readStream(stream)).toHaveLength(2);
      });

      it('accepts a retried append whose events are all stored, whatever the version now is', async () => {
        if (!log.capabilities.expectedVersion) return;
        const stream = newStream();
        const first = event(0);
        await log.append(stream, [first], { expectedVersion: 'no_stream' });
        await log.append(stream, [event(1)]);

        const retried = await log.append(stream, [first], { expectedVersion: 'no_stream' });
        expect(retried.events[0]).toMatchObject({ duplicate: true, streamPosition: 0 });
      });
    });

    describe('expected versions of several streams at once', () => {
      it('appends to several streams at the versions expected', async () => {
        const [a, b, c] = [newStream(), newStream(), newStream()];
        await log.append(a, [event(0)]);
        const writes = [
          { streamId: a, events: [event(1)] },
          { streamId: b, events: [event(0), event(1)] },
          { streamId: c, events: [event(0)] },
        ];
        const expectedVersions = new Map<string, ExpectedVersion>([
          [a, 0],
          [b, 'no_stream'],
        ]);
        if (!log.capabilities.expectedVersion) {
          await expect(log.appendMany(writes, { expectedVersions })).rejects.toBeInstanceOf(ExpectedVersionUnsupportedError);
          expect(await log.readStreams([{ streamId: a }, { streamId: b }, { streamId: c }])).toEqual([[expect.anything()], [], []]);
          return;
        }

        const results = await log.appendMany(writes, { expectedVersions });
        expect(results.map((r) => r.events.map((e) => e.streamPosition))).toEqual([[1], [0, 1], [0]]);
      });

      it('refuses a batch with a stream at another version, leaving that stream, and all where atomic, unwritten', async () => {
        if (!log.capabilities.expectedVersion) return;
        const [a, b, c] = [newStream(), newStream(), newStream()];
        await log.append(b, [event(0), event(1)]);

        const batch = log.appendMany(
          [
            { streamId: a, events: [event(0)] },
            { streamId: b, events: [event(2)] },
            { streamId: c, events: [event(0)] },
          ],
          {
            expectedVersions: new Map<string, ExpectedVersion>([
              [a, 'no_stream'],
              [b, 0],
              [c, 'no_stream'],
            ]),
          },
        );

        await expect(batch).rejects.toMatchObject({ code: 'EVENT_LOG.EXPECTED_VERSION_CONFLICT', streamId: b, expected: 0, actual: 1 });
        expect(await log.readStream(b)).toHaveLength(2);
        if (log.capabilities.atomicAppendMany) expect(await log.readStreams([{ streamId: a }, { streamId: c }])).toEqual([[], []]);
      });
    });

    describe('subscribe from a checkpoint', () => {
      it('delivers every event from the start, in stream order, then new ones as they come', async () => {
        const [a, b] = [newStream(), newStream()];
        await log.append(a, [event(0), event(1)]);
        await log.append(b, [event(0)]);
        const received = collect(log, {}, (seen) => seen.filter((e) => e.streamId === a).length === 4 && seen.some((e) => e.streamId === b));

        await log.append(a, [event(2), event(3)]);
        const seen = await received.done;

        const ofA = seen.filter((e) => e.streamId === a);
        expect(ofA.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3]);
        expect(ofA.map((e) => e.streamPosition)).toEqual([0, 1, 2, 3]);
      });

      it('resumes after the checkpoint of a processed batch, skipping nothing and repeating nothing', async () => {
        const stream = newStream();
        await log.append(stream, [event(0), event(1), event(2)]);
        const first = collect(log, {}, (seen) => seen.filter((e) => e.streamId === stream).length === 3);
        await first.done;
        const checkpoint = first.checkpoint();

        await log.append(stream, [event(3), event(4)]);
        const resumed = collect(log, checkpoint, (seen) => seen.filter((e) => e.streamId === stream).length >= 2);
        const seen = (await resumed.done).filter((e) => e.streamId === stream);

        expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([3, 4]);
      });

      it("gives each batch its last event's offset as checkpoint, and resumes after any event's offset", async () => {
        // The projection runtime commits the first events of a batch on their own, at the checkpoint after the last of them.
        const stream = newStream();
        await log.append(stream, [event(0), event(1), event(2), event(3)]);
        const batches: SubscriptionBatch[] = [];
        const first = collect(log, {}, (seen) => seen.filter((e) => e.streamId === stream).length === 4, (batch) => void batches.push(batch));
        const ofStream = (await first.done).filter((e) => e.streamId === stream);
        for (const batch of batches) {
          const last = batch.events[batch.events.length - 1];
          expect(batch.checkpoint).toEqual({ [last.partition]: last.offset });
          expect(batch.events.every((e) => e.partition === batch.partition)).toBe(true);
        }

        const { partition, offset } = ofStream[1];
        const resumed = collect(log, { [partition]: offset }, (seen) => seen.filter((e) => e.streamId === stream).length >= 2);
        expect((await resumed.done).filter((e) => e.streamId === stream).map((e) => (e.data as { n: number }).n)).toEqual([2, 3]);
      });

      it('gives every event to each of two subscribers of one id, where subscriptions are not shared', async () => {
        // A shared log (a Kafka consumer group) splits them instead: the projection runtime relies on either.
        if (log.capabilities.sharedSubscriptions) return;
        const stream = newStream();
        const subscriberId = `contract-${randomUUID()}`;
        await log.append(stream, [event(0), event(1)]);
        const both = [0, 1].map(() => collect(log, {}, (seen) => seen.filter((e) => e.streamId === stream).length === 3, undefined, undefined, subscriberId));
        await log.append(stream, [event(2)]);

        for (const seen of await Promise.all(both.map((c) => c.done))) {
          expect(seen.filter((e) => e.streamId === stream).map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
        }
      });

      it('holds batches back by lingerMs once caught up, and hands over together what came meanwhile', async () => {
        // Far longer than the three appends below take, even slowed down on a loaded machine. Kafka
        // holds a fetch for it up to three times here: before the first event, after it, and at the close.
        const LINGER_MS = 10_000;
        const stream = newStream();
        await log.append(stream, [event(0)]);
        const batchesOfStream: number[][] = [];
        let caughtUp: () => void = () => undefined;
        const atEvent0 = new Promise<void>((resolve) => (caughtUp = resolve));
        const subscription = await log.subscribe({
          subscriberId: `contract-${randomUUID()}`,
          from: {},
          lingerMs: LINGER_MS,
          onBatch: async ({ events }) => {
            const ns = events.filter((e) => e.streamId === stream).map((e) => (e.data as { n: number }).n);
            if (ns.length > 0) batchesOfStream.push(ns);
            if (ns.includes(0)) caughtUp();
          },
        });
        try {
          await withTimeout(atEvent0, 30_000, () => 'the first event did not arrive');
          // Three appends 200 ms apart: without lingering, each comes in a batch of its own.
          for (const n of [1, 2, 3]) {
            await log.append(stream, [event(n)]);
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
          await withTimeout(
            (async () => {
              while (batchesOfStream.flat().length < 4) await new Promise((resolve) => setTimeout(resolve, 50));
            })(),
            30_000,
            () => `the subscription saw ${JSON.stringify(batchesOfStream)}`,
          );
        } finally {
          await subscription.close();
        }

        expect(batchesOfStream.flat()).toEqual([0, 1, 2, 3]);
        // A batch boundary may fall within the appends, but only one: a second would need them to take
        // longer than the linger, not the 400 ms of the pauses and a few appends.
        expect(batchesOfStream.length).toBeLessThanOrEqual(3);
      }, 90_000);

      it('counts what a subscriber at a checkpoint has yet to process', async () => {
        const stream = newStream();
        await log.append(stream, [event(0)]);
        const first = collect(log, {}, (seen) => seen.some((e) => e.streamId === stream));
        await first.done;
        const checkpoint = first.checkpoint();
        const before = await log.pendingAfter(checkpoint);
        if (before === null) return;

        await log.append(newStream(), [event(1), event(2)]);
        expect((await log.pendingAfter(checkpoint))! - before).toBe(2);
        expect(await log.pendingAfter({})).toBeGreaterThanOrEqual(3);
      });

      it('delivers a batch again when the subscriber fails on it', async () => {
        const stream = newStream();
        await log.append(stream, [event(0)]);
        let attempts = 0;
        const received = collect(log, {}, (seen) => seen.some((e) => e.streamId === stream), ({ events }) => {
          if (events.some((e) => e.streamId === stream) && ++attempts === 1) throw new Error('projection failed once');
        });
        const seen = (await received.done).filter((e) => e.streamId === stream);

        expect(attempts).toBe(2);
        expect(seen.map((e) => e.eventId)).toHaveLength(1);
      });

      it('marks as resumed the first batch of each partition and a batch delivered again, and no other', async () => {
        const stream = newStream();
        const batches: { partition: string; resumed: boolean; ofStream: number[] }[] = [];
        const firstOfPartition = new Map<string, boolean>();
        let failedOnce = false;
        let appended = 1;
        await log.append(stream, [event(0)]);
        const received = collect(
          log,
          {},
          (seen) => seen.filter((e) => e.streamId === stream).length === 3,
          ({ partition, resumed, events }) => {
            if (!firstOfPartition.has(partition)) firstOfPartition.set(partition, resumed);
            const ofStream = events.filter((e) => e.streamId === stream).map((e) => (e.data as { n: number }).n);
            if (ofStream.length > 0) batches.push({ partition, resumed, ofStream });
            if (ofStream.includes(1) && !failedOnce) {
              failedOnce = true;
              throw new Error('projection failed once');
            }
          },
          // Each event of the stream comes once the one before was handled, so each is a batch of its own.
          async (seen) => {
            if (appended < 3 && seen.filter((e) => e.streamId === stream).length === appended) await log.append(stream, [event(appended++)]);
          },
        );
        await received.done;

        expect([...firstOfPartition.values()].every((resumed) => resumed)).toBe(true);
        const afterFirst = batches.slice(batches.findIndex((b) => b.ofStream.includes(0)) + 1);
        expect(afterFirst.map(({ resumed, ofStream }) => ({ resumed, ofStream }))).toEqual([
          { resumed: false, ofStream: [1] },
          { resumed: true, ofStream: [1] },
          { resumed: false, ofStream: [2] },
        ]);
      });
    });
  });
}

interface Collector {
  readonly done: Promise<RecordedEvent[]>;
  checkpoint(): Checkpoint;
}

/**
 * Subscribes until `enough` holds over what arrived, then closes the subscription. `inspect` sees
 * each batch first and may throw to fail it; a failed batch is not counted as seen.
 */
function collect(
  log: EventLog,
  from: Checkpoint,
  enough: (seen: RecordedEvent[]) => boolean,
  inspect: (batch: SubscriptionBatch) => void = () => undefined,
  afterBatch: (seen: RecordedEvent[]) => Promise<void> = async () => undefined,
  subscriberId = `contract-${randomUUID()}`,
): Collector {
  const seen: RecordedEvent[] = [];
  let checkpoint: Checkpoint = { ...from };
  let reachedEnough: () => void = () => undefined;
  const enoughSeen = new Promise<void>((resolve) => (reachedEnough = resolve));
  const subscription = log.subscribe({
    subscriberId,
    from,
    onBatch: async (batch) => {
      inspect(batch);
      seen.push(...batch.events);
      checkpoint = { ...checkpoint, ...batch.checkpoint };
      if (enough(seen)) reachedEnough();
      else await afterBatch(seen);
    },
  });
  const done = withTimeout(enoughSeen, 30_000, () => `the subscription saw ${seen.length} events, not the ones expected`)
    .finally(async () => (await subscription).close())
    .then(() => seen);
  return { done, checkpoint: () => checkpoint };
}

function withTimeout<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
