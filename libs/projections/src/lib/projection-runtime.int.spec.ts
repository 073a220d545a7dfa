import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventLog } from '@cdp/event-log';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { createPgliteSqlClient, createPostgresSqlClient, quoteIdentifier, type SqlClient } from '@cdp/sql';
import { scratchDatabase, type ScratchDatabase } from '@cdp/sql/testing';
import { listDeadLetters, pruneResolvedDeadLetters } from './dead-letters';
import { runProjection, type ProjectionRunner } from './projection-runner';
import type { ProjectionDefinition } from './projection.port';
import { migrateProjectionTables } from './projection-tables';
import { rebuildProjection, RebuildRunningElsewhereError } from './rebuild-projection';
import { readCheckpoint } from './checkpoints';
import { RetryBatchLaterError, WaitForProjectionError } from './retry-batch-later.error';
import { retryDeadLetters } from './retry-dead-letters';

/**
 * A projection that sums `n` per stream, refuses events whose data says poison while `poisoned` is
 * on, finds its store down while `unavailable` is on, waits for another projection for the events
 * whose `n` is over `gate`, and records the `n`s of each batch it applied in `applied`.
 */
type SummingState = { poisoned: boolean; unavailable: boolean; applies: number; gate?: number; applied?: number[][] };

function summingProjection(state: SummingState): ProjectionDefinition {
  return {
    name: 'sums',
    schema: 'sums',
    async open(sql, schema) {
      const s = quoteIdentifier(schema);
      await sql.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await sql.query(`CREATE TABLE IF NOT EXISTS ${s}.totals (stream_id text PRIMARY KEY, total integer NOT NULL, seen text[] NOT NULL)`);
      return {
        async apply(tx, events) {
          state.applies++;
          if (state.unavailable) throw new RetryBatchLaterError('the sums store is down');
          const waiting = state.gate === undefined ? -1 : events.findIndex((e) => (e.data as { n: number }).n > state.gate!);
          if (waiting >= 0) throw new WaitForProjectionError('upstream', `event ${events[waiting].eventId} is not upstream yet`, { ready: waiting });
          for (const event of events) {
            const data = event.data as { n: number; poison?: boolean };
            if (data.poison && state.poisoned) throw new Error(`cannot sum ${event.eventId}`);
            await tx.query(
              `INSERT INTO ${s}.totals VALUES ($1, $2, ARRAY[$3]) ON CONFLICT (stream_id) DO UPDATE SET total = totals.total + $2, seen = totals.seen || $3`,
              [event.streamId, data.n, String(data.n)],
            );
          }
          state.applied?.push(events.map((e) => (e.data as { n: number }).n));
        },
      };
    },
  };
}

/** The definition, whose rebuild does `work` as its aside tables' handler closes: after the rebuild's last batch, before its swap. */
function beforeTheSwap(definition: ProjectionDefinition, work: () => Promise<void>): ProjectionDefinition {
  return {
    ...definition,
    async open(sql, schema) {
      const handler = await definition.open(sql, schema);
      return schema === definition.schema ? handler : { ...handler, close: work };
    },
  };
}

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached in time');
};

describe('the projection runtime (PGlite)', () => {
  let sql: SqlClient;
  let log: EventLog;
  const state: SummingState = { poisoned: true, unavailable: false, applies: 0 };
  const definition = summingProjection(state);
  let runner: ProjectionRunner | undefined;
  const totals = async (schema = 'sums') =>
    Object.fromEntries((await sql.query<{ stream_id: string; total: number; seen: string[] }>(`SELECT * FROM ${schema}.totals ORDER BY stream_id`)).rows.map((r) => [r.stream_id, r.seen.join(',')]));
  const setAside: string[] = [];
  const start = async () =>
    (runner = await runProjection({ name: definition.name, handler: await definition.open(sql, definition.schema), log, sql, maxBatchSize: 50, onSetAside: (events) => setAside.push(...events.map((e) => e.eventId)) }));
  const event = (n: number, poison = false) => ({ eventId: randomUUID(), type: 'counted', data: { n, poison } });

  beforeAll(async () => {
    sql = await createPgliteSqlClient();
    log = await createPostgresEventLog(sql);
    await migrateProjectionTables(sql);
  });
  afterEach(() => runner?.close());
  afterAll(() => log.close().then(() => sql.close()));

  it('applies batches and resumes from its checkpoint without repeating anything', async () => {
    await log.append('counted-a', [event(1), event(2)]);
    await start();
    await until(async () => (await totals())['counted-a'] === '1,2');
    await runner!.close();

    // Counted across batches and restarts: what an RFM run waits on to know the projections caught up.
    expect((await readCheckpoint(sql, 'sums')).processed).toBe(2);

    await log.append('counted-a', [event(3)]);
    await start();
    await until(async () => (await totals())['counted-a'] === '1,2,3');
    await until(async () => (await readCheckpoint(sql, 'sums')).processed === 3);
    expect(await log.pendingAfter((await readCheckpoint(sql, 'sums')).checkpoint)).toBe(0);
  });

  it('applies a batch once though what it is told after the commit throws', async () => {
    let told = 0;
    runner = await runProjection({
      name: definition.name,
      handler: await definition.open(sql, definition.schema),
      log,
      sql,
      onBatchDone: () => {
        if (++told === 1) throw new Error('a metrics callback failed');
      },
    });
    await log.append('counted-told', [event(1)]);
    await until(async () => told >= 1 && (await totals())['counted-told'] !== undefined);
    await log.append('counted-told', [event(2)]);
    await until(async () => (await totals())['counted-told'] === '1,2');

    expect((await totals())['counted-told']).toBe('1,2');
  });

  it('parks a poisoned event, holds back the rest of its stream in order, and goes on with other streams', async () => {
    await start();
    const poisoned = event(11, true);
    await log.append('counted-b', [event(10), poisoned, event(12)]);
    await log.append('counted-c', [event(20)]);
    await until(async () => (await totals())['counted-c'] === '20');
    await log.append('counted-b', [event(13)]);
    await until(async () => (await listDeadLetters(sql, 'sums')).length === 3);

    const letters = await listDeadLetters(sql, 'sums');
    expect(letters.map((l) => [l.streamId, l.held])).toEqual([
      ['counted-b', false],
      ['counted-b', true],
      ['counted-b', true],
    ]);
    expect(letters[0].error).toMatch(/cannot sum/);
    // Told once the batch committed, the poisoned event alone: not those held back behind it.
    expect(setAside).toEqual([letters[0].eventId]);
    expect(letters[0].eventId).toBe(poisoned.eventId);
    expect((await totals())['counted-b']).toBe('10');

    expect(await retryDeadLetters(sql, 'sums', await definition.open(sql, 'sums'))).toEqual({ retried: 0, stillFailing: 1 });
    state.poisoned = false;
    expect(await retryDeadLetters(sql, 'sums', await definition.open(sql, 'sums'))).toEqual({ retried: 3, stillFailing: 0 });
    expect((await totals())['counted-b']).toBe('10,11,12,13');
    expect(await listDeadLetters(sql, 'sums')).toEqual([]);
    // Resolved, they hold nothing back: the stream's next event is applied at once.
    await log.append('counted-b', [event(14)]);
    await until(async () => (await totals())['counted-b'] === '10,11,12,13,14');
    // Resolved, they are kept until the retention is over, then deleted.
    const kept = async () => (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM projections.dead_letters WHERE projection = 'sums'`)).rows[0].n;
    expect(await pruneResolvedDeadLetters(sql, new Date(Date.now() - 60_000))).toBe(0);
    expect(await kept()).toBe(3);
    expect(await pruneResolvedDeadLetters(sql, new Date(Date.now() + 60_000))).toBe(3);
    expect(await kept()).toBe(0);

    await log.append('counted-b', [event(15)]);
    await until(async () => (await totals())['counted-b'] === '10,11,12,13,14,15');
  });

  it('finds the poisoned events of a batch by halving it, not by applying each event alone', async () => {
    state.poisoned = true;
    const streams = ['counted-h1', 'counted-h2', 'counted-h3', 'counted-h4'];
    // 40 events, interleaved over 4 streams, appended before the runner starts and so in one batch; h2 and h4 are poisoned once each.
    const writes = Array.from({ length: 40 }, (_, i) => ({ streamId: streams[i % 4], events: [event(100 + i, i === 9 || i === 23)] }));
    const eventIds = writes.map((w) => w.events[0].eventId);
    for (const { streamId, events } of writes) await log.append(streamId, events);
    state.applies = 0;
    await start();
    await until(async () => (await totals())['counted-h3'] !== undefined);

    const sums = await totals();
    const expected = (stream: string, poisonAt = Infinity) =>
      writes.flatMap((w, i) => (w.streamId === stream && i < poisonAt ? [String(100 + i)] : [])).join(',');
    expect([sums['counted-h1'], sums['counted-h2'], sums['counted-h3'], sums['counted-h4']]).toEqual([
      expected('counted-h1'),
      expected('counted-h2', 9),
      expected('counted-h3'),
      expected('counted-h4', 23),
    ]);
    const letters = (await listDeadLetters(sql, 'sums')).filter((l) => l.streamId.startsWith('counted-h'));
    const parkedInLogOrder = writes.flatMap((w, i) => ((w.streamId === 'counted-h2' && i >= 9) || (w.streamId === 'counted-h4' && i >= 23) ? [eventIds[i]] : []));
    expect(letters.map((l) => l.eventId)).toEqual(parkedInLogOrder);
    expect(letters.filter((l) => !l.held).map((l) => l.eventId)).toEqual([eventIds[9], eventIds[23]]);
    // The whole batch, then each poison costs two applies per halving; each event alone would take 41.
    expect(state.applies).toBeLessThanOrEqual(1 + 2 * 2 * Math.ceil(Math.log2(40)));

    state.poisoned = false;
    expect(await retryDeadLetters(sql, 'sums', await definition.open(sql, 'sums'))).toEqual({ retried: letters.length, stillFailing: 0 });
    expect((await totals())['counted-h4']).toBe(expected('counted-h4'));
  });

  it('retries a batch whose store is down, without dead letters, until the store is back', async () => {
    state.unavailable = true;
    await start();
    await log.append('counted-d', [event(30), event(31)]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await totals())['counted-d']).toBeUndefined();
    expect((await listDeadLetters(sql, 'sums')).filter((l) => l.streamId === 'counted-d')).toEqual([]);

    state.unavailable = false;
    await until(async () => (await totals())['counted-d'] === '30,31');
  });

  it('retries a batch whose table was dropped, without dead letters, until the table is back', async () => {
    await start();
    await sql.query(`ALTER TABLE sums.totals RENAME TO totals_away`);
    const applies = state.applies;
    await log.append('counted-t', [event(40), event(41)]);
    // Tried, and tried again: not halved down to dead letters.
    await until(async () => state.applies >= applies + 2);
    expect((await listDeadLetters(sql, 'sums')).filter((l) => l.streamId === 'counted-t')).toEqual([]);

    await sql.query(`ALTER TABLE sums.totals_away RENAME TO totals`);
    await until(async () => (await totals())['counted-t'] === '40,41');
  });

  it('commits the events ready while the rest of their batch waits for another projection, and applies each once', async () => {
    state.gate = 203;
    await start();
    await log.append('counted-w', Array.from({ length: 10 }, (_, i) => event(200 + i)));
    const [, , , ready] = (await log.readStream('counted-w')).map((e) => e.offset);
    await until(async () => (await totals())['counted-w'] === '200,201,202,203');
    expect((await readCheckpoint(sql, 'sums')).checkpoint).toEqual({ all: ready });

    // Past the time a batch waits in the runtime, the log delivers it again, the committed events with it.
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await totals())['counted-w']).toBe('200,201,202,203');
    state.gate = undefined;
    await until(async () => (await totals())['counted-w'] === '200,201,202,203,204,205,206,207,208,209');
  }, 60_000);

  it('commits the ready events of a waiting batch with the held events before them, each parked once', async () => {
    const held = [event(1, true), event(2), event(3)];
    state.poisoned = true;
    await start();
    await log.append('counted-hp', [held[0]]);
    await until(async () => (await listDeadLetters(sql, 'sums')).some((l) => l.streamId === 'counted-hp'));
    await runner!.close();
    // Appended while no runner runs, so that they come as one batch: held, ready, held, ready, waiting.
    await log.append('counted-hp', [held[1]]);
    await log.append('counted-hw', [event(301)]);
    await log.append('counted-hp', [held[2]]);
    await log.append('counted-hw', [event(302), event(310)]);
    state.gate = 305;
    state.applied = [];
    await start();

    await until(async () => (await totals())['counted-hw'] === '301,302');
    const parked = async () => (await listDeadLetters(sql, 'sums')).filter((l) => l.streamId === 'counted-hp').map((l) => [l.eventId, l.held]);
    expect(await parked()).toEqual(held.map((e, i) => [e.eventId, i > 0]));
    state.gate = undefined;
    await until(async () => (await totals())['counted-hw'] === '301,302,310');
    expect(await parked()).toHaveLength(3);
    // The ready events went in together, the held ones between them counted as ready too.
    expect(state.applied).toEqual([[301, 302], [310]]);
    state.applied = undefined;

    state.poisoned = false;
    expect(await retryDeadLetters(sql, 'sums', await definition.open(sql, 'sums'))).toEqual({ retried: 3, stillFailing: 0 });
  });

  it('sends after-commit work left by a crash at start, and retries a failing one without applying its batch again', async () => {
    const sent: string[] = [];
    let failing = true;
    const base = await definition.open(sql, definition.schema);
    const handler = {
      apply: base.apply,
      async afterCommit() {
        if (failing) throw new Error('the event store is down');
        const { rows } = await sql.query<{ seen: string[] }>(`SELECT seen FROM sums.totals WHERE stream_id = 'counted-f'`);
        sent.push(rows[0]?.seen.join(',') ?? 'nothing yet');
      },
    };
    const errors: unknown[] = [];
    runner = await runProjection({ name: definition.name, handler, log, sql, onError: (e) => errors.push(e) });
    await log.append('counted-f', [event(50)]);
    await until(async () => (await totals())['counted-f'] === '50' && errors.length >= 2);
    failing = false;
    await until(async () => sent.includes('50'));
    expect((await totals())['counted-f']).toBe('50');
    await runner.close();

    runner = await runProjection({ name: definition.name, handler, log, sql });
    await until(async () => sent.length >= 2);
    expect(sent[sent.length - 1]).toBe('50');
  });

  it('rebuilds aside and swaps in tables equal to the live ones, with their statistics, and progress', async () => {
    await start();
    await log.appendMany(Array.from({ length: 30 }, (_, i) => ({ streamId: `counted-r${i % 7}`, events: [event(i)] })));
    await until(async () => Object.keys(await totals()).filter((k) => k.startsWith('counted-r')).length === 7);
    const live = await totals();
    const progress: number[] = [];

    const result = await rebuildProjection({ definition, log, sql, onProgress: (p) => progress.push(p.processed), pauseLive: () => runner!.close() });

    expect(await totals()).toEqual(live);
    const { rows: counted } = await sql.query(`SELECT reltuples::int AS estimated, (SELECT count(*)::int FROM sums.totals) AS rows FROM pg_class WHERE oid = 'sums.totals'::regclass`);
    expect(counted).toEqual([{ estimated: Object.keys(live).length, rows: Object.keys(live).length }]);
    expect(result.processed).toBe(progress[progress.length - 1]);
    expect(progress.length).toBeGreaterThan(0);
    await start();
    await log.append('counted-r0', [event(100)]);
    await until(async () => (await totals())['counted-r0'].endsWith(',100'));
  });

  it('rebuilds to the end on a log that cannot count what is left until it is done, as EventStoreDB\'s counts only a short lag', async () => {
    await log.appendMany(Array.from({ length: 120 }, (_, i) => ({ streamId: `counted-u${i % 5}`, events: [event(i)] })));
    await start();
    await until(async () => Object.keys(await totals()).filter((k) => k.startsWith('counted-u')).length === 5 && (await log.pendingAfter(runner!.checkpoint())) === 0);
    const live = await totals();
    await runner!.close();
    const uncounting: EventLog = { ...log, pendingAfter: async (checkpoint) => ((await log.pendingAfter(checkpoint)) === 0 ? 0 : null) };

    const result = await rebuildProjection({ definition, log: uncounting, sql, maxBatchSize: 10 });

    expect(await totals()).toEqual(live);
    expect(result.processed).toBeGreaterThanOrEqual(120);
  });

  it('loses nothing that a runner of another process applied to the old tables while a rebuild finished: that runner follows the log again from the swap', async () => {
    const stream = `counted-elsewhere-${randomUUID()}`;
    await log.append(stream, [event(1), event(2)]);
    // The live runner stands for another process sharing the projection: the rebuild cannot pause it.
    await start();
    await until(async () => (await totals())[stream] === '1,2');
    // Between the rebuild's last batch and its swap, the other process applies more to the live tables.
    const lateAfterRebuiltBatches = beforeTheSwap(definition, async () => {
      await log.append(stream, [event(3)]);
      await until(async () => (await totals())[stream] === '1,2,3');
    });

    await rebuildProjection({ definition: lateAfterRebuiltBatches, log, sql });
    await log.append(stream, [event(4)]);

    // Without following again from the swap, the live runner would go on after 3, which the swap's tables never got.
    await until(async () => (await totals())[stream] === '1,2,3,4');
  });

  it('commits nothing of a partition another process took over and went on with: it follows the log again from the stored checkpoint', async () => {
    const stream = `counted-taken-${randomUUID()}`;
    /** The log, its batches saying which offset of their partition they follow, as a Kafka group member's do. */
    const shared: EventLog = {
      ...log,
      subscribe: (options) => {
        const last = new Map<string, string | null>(Object.entries(options.from));
        return log.subscribe({
          ...options,
          onBatch: async (batch) => {
            await options.onBatch({ ...batch, follows: last.get(batch.partition) ?? null });
            last.set(batch.partition, batch.checkpoint[batch.partition]);
          },
        });
      },
    };
    const stalled: SummingState = { poisoned: false, unavailable: false, applies: 0 };
    const runner = await runProjection({ name: definition.name, handler: await summingProjection(stalled).open(sql, definition.schema), log: shared, sql, maxBatchSize: 50 });
    try {
      await log.append(stream, [event(1)]);
      await until(async () => (await totals())[stream] === '1');
      // This process stalls (its store away, say) while another takes the partition over and applies event 2.
      stalled.unavailable = true;
      const appliesBefore = stalled.applies;
      await log.append(stream, [event(2)]);
      await until(async () => stalled.applies > appliesBefore);
      const other = await runProjection({ name: definition.name, handler: await definition.open(sql, definition.schema), log, sql, maxBatchSize: 50 });
      await until(async () => (await totals())[stream] === '1,2');
      await other.close();
      stalled.unavailable = false;

      await log.append(stream, [event(3)]);
      await until(async () => (await totals())[stream] === '1,2,3');
      // Not applied again by the runner the partition was taken from.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await totals())[stream]).toBe('1,2,3');
    } finally {
      await runner.close();
    }
  });

  /** A projection that keeps nothing in Postgres: it notes the ids of the events it is given. */
  const keepingNothing = (name: string, seen: string[]): ProjectionDefinition => ({
    name,
    schema: name,
    async open() {
      return { apply: async (_tx, events) => void seen.push(...events.map((e) => e.eventId)) };
    },
  });

  it('rebuilds a projection once at a time, whichever process asks: a second rebuild is refused before it touches the aside tables', async () => {
    const elsewhere = keepingNothing('once', []);
    await log.append('counted-once', [event(1)]);

    const [first, second] = await Promise.allSettled([rebuildProjection({ definition: elsewhere, log, sql }), rebuildProjection({ definition: elsewhere, log, sql })]);

    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    const refused = [first, second].find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')!;
    expect(refused.reason).toBeInstanceOf(RebuildRunningElsewhereError);
    // It names the process that runs the rebuild, as projections.owners has it: host, pid and a tag.
    expect(refused.reason.message).toMatch(new RegExp(`^another process \\(${hostname()}:${process.pid}:\\w+\\) is rebuilding once: `));
    // Once done, the claim is let go: the next rebuild runs.
    await expect(rebuildProjection({ definition: elsewhere, log, sql })).resolves.toMatchObject({ processed: expect.any(Number) });
  });

  it('tells of every failed attempt at a batch of a rebuild, which tries it again until it goes through', async () => {
    let failures = 2;
    const seen: string[] = [];
    const flaky: ProjectionDefinition = {
      name: 'flaky',
      schema: 'flaky',
      async open() {
        return {
          apply: async (_tx, events) => {
            if (failures-- > 0) throw new RetryBatchLaterError('the store is away');
            seen.push(...events.map((e) => e.eventId));
          },
        };
      },
    };
    await log.append('counted-flaky', [event(1)]);
    const told: string[] = [];

    const result = await rebuildProjection({ definition: flaky, log, sql, onError: (error) => told.push((error as Error).message) });

    expect(told).toEqual(['the store is away', 'the store is away']);
    expect(seen).toHaveLength(result.processed);
  });

  it('rebuilds a projection that keeps nothing in Postgres, only its checkpoint', async () => {
    const seen: string[] = [];
    const elsewhere = keepingNothing('elsewhere', seen);
    await log.append('counted-elsewhere', [event(1)]);

    const result = await rebuildProjection({ definition: elsewhere, log, sql });

    expect(result.processed).toBeGreaterThan(0);
    expect(seen).toHaveLength(result.processed);
    expect((await sql.query(`SELECT count(*)::int AS n FROM projections.checkpoints WHERE projection = 'elsewhere'`)).rows).toEqual([{ n: 1 }]);
  });
});

describe('a rebuild while other processes run the projection (Postgres server)', () => {
  let database: ScratchDatabase;
  let sql: SqlClient;
  let log: EventLog;
  const definition = summingProjection({ poisoned: false, unavailable: false, applies: 0 });
  const totals = async () => Object.fromEntries((await sql.query<{ stream_id: string; seen: string[] }>(`SELECT * FROM sums.totals`)).rows.map((r) => [r.stream_id, r.seen.join(',')]));
  const event = (n: number) => ({ eventId: randomUUID(), type: 'counted', data: { n } });

  beforeAll(async () => {
    database = await scratchDatabase('cdp_test_rebuild');
    sql = createPostgresSqlClient({ connectionString: database.url });
    log = await createPostgresEventLog(sql);
    await migrateProjectionTables(sql);
  });
  afterAll(async () => {
    await log?.close();
    await sql?.close();
    await database?.drop();
  });

  it("holds the others' batches back from its last catch-up to its swap, then they follow the log from the swapped checkpoint", async () => {
    await log.append('counted-held', [event(1), event(2)]);
    // Another process's runner of the projection, which the rebuild cannot pause.
    const other = await runProjection({ name: definition.name, handler: await definition.open(sql, definition.schema), log, sql, maxBatchSize: 50 });
    try {
      await until(async () => (await totals())['counted-held'] === '1,2');
      let appliedToOldTables = false;
      // After the rebuild's last batch, before its swap: the other process has an event to apply.
      const lateInTheRebuild = beforeTheSwap(definition, async () => {
        await log.append('counted-held', [event(3)]);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        appliedToOldTables = (await totals())['counted-held'] !== '1,2';
      });

      await rebuildProjection({ definition: lateInTheRebuild, log, sql });
      await log.append('counted-held', [event(4)]);

      expect(appliedToOldTables).toBe(false);
      await until(async () => (await totals())['counted-held'] === '1,2,3,4');
    } finally {
      await other.close();
    }
  });
});
