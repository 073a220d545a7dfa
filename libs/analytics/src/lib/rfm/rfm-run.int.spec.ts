import { randomUUID } from 'node:crypto';
import { openThrowawayChdbClient } from '@cdp/clickhouse/testing';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { migrateProjectionTables } from '@cdp/projections';
import { createPgliteSqlClient } from '@cdp/sql';
import { migrateAnalyticsTables } from '../tables/analytics-tables';
import { runRfm } from './rfm-run';
import { migrateRfmTables } from './rfm-store';

const DAY_MS = 86_400_000;
const AS_OF = '2026-11-01T00:00:00.000Z';
/** Before the first purchases of customers 0 and 6 to 8. */
const EARLIER = '2026-06-01T00:00:00.000Z';
/** Customers merged into customer 1 before the second run: they leave the population. */
const MERGED = [0, 6, 7, 8];

/** Nine customers, each with purchases of their own number, amount and age. */
function purchases() {
  return Array.from({ length: 9 }, (_, c) =>
    Array.from({ length: 1 + (c % 4) }, (_, p) => {
      const at = Date.parse(AS_OF) - (c >= 6 ? 30 + p : 40 * c + 200 * p + 1) * DAY_MS;
      return {
        event_id: randomUUID(),
        occurred_at: new Date(at),
        occurred_at_ms: String(at),
        customer_key: `email:c${c}@example.com`,
        order_id: `o-${c}-${p}`,
        amount: `${(c * 7919) % 1000}.500`,
        currency: 'IRR',
      };
    }),
  ).flat();
}

/** Fresh stores holding the purchases of the nine customers, each its own, and the options of a run on them. */
async function withStores<T>(rows: ReturnType<typeof purchases>, customersPerChunk: number, work: (stores: Awaited<ReturnType<typeof openStores>>) => Promise<T>): Promise<T> {
  const stores = await openStores(rows, customersPerChunk);
  try {
    return await work(stores);
  } finally {
    await stores.clickhouse.close();
    await stores.eventStore.close();
    await stores.sql.close();
  }
}

async function openStores(rows: ReturnType<typeof purchases>, customersPerChunk: number) {
  const sql = await createPgliteSqlClient();
  const eventStore = await createPostgresEventLog(sql, { schema: 'event_store' });
  // chDB opens one data folder per process: each call closes its own before the next opens.
  const clickhouse = await openThrowawayChdbClient();
  await migrateRfmTables(sql);
  await migrateAnalyticsTables(clickhouse);
  await clickhouse.insert('purchases', rows);
  await clickhouse.insert('identity_map', Array.from({ length: 9 }, (_, c) => ({ key: `email:c${c}@example.com`, customer_id: `cus_${c}`, version: '1' })));
  const options = { sql, clickhouse, eventStore, touchpointLog: eventStore, projections: [], copyIdentityMap: async () => undefined, currency: 'IRR', catchUpTimeoutMs: 1_000, customersPerChunk };
  return { sql, eventStore, clickhouse, options };
}

/**
 * RFM runs on fresh stores with `customersPerChunk`: a first, a second after customers left the
 * population (merged into another), the second again, which changes no segment, and a what-if as of
 * an earlier instant, which changes nothing.
 */
async function runsInTurn(rows: ReturnType<typeof purchases>, customersPerChunk: number) {
  return withStores(rows, customersPerChunk, async ({ sql, clickhouse, options }) => {
    await runRfm(options, { asOf: AS_OF, windowDays: 365 }, new Date());
    await clickhouse.insert('identity_map', MERGED.map((c) => ({ key: `email:c${c}@example.com`, customer_id: 'cus_1', version: '2' })));
    for (let run = 0; run < 2; run++) await runRfm(options, { asOf: AS_OF, windowDays: 365 }, new Date());
    const appended = async () => Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM event_store.events`)).rows[0].n);
    const scoresNow = async () => (await sql.query(`SELECT * FROM rfm.current_scores ORDER BY customer_id`)).rows;
    const [eventsBefore, scoresBefore] = [await appended(), await scoresNow()];
    const whatIf = await runRfm(options, { asOf: EARLIER, windowDays: 365 }, new Date());
    expect(await appended()).toBe(eventsBefore);
    expect(await scoresNow()).toEqual(scoresBefore);
    expect(await clickhouse.query(`SELECT run_id FROM rfm_runs WHERE run_id = '${whatIf.runId}'`)).toEqual([]);
    const events = await sql.query<{ stream_id: string; data: { previousSegment: string | null; segment: string | null; r: number | null } }>(
      `SELECT stream_id, data FROM event_store.events ORDER BY global_position`,
    );
    const scores = await sql.query(`SELECT customer_id, recency_days, frequency, monetary::text, r, f, m, segment FROM rfm.current_scores ORDER BY customer_id`);
    return {
      whatIf: { current: whatIf.current, segments: whatIf.current ? undefined : whatIf.segments },
      workTablesLeft: await clickhouse.query("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'rfm_work_%'"),
      events: events.rows.map(({ stream_id, data }) => `${stream_id}: ${data.previousSegment} -> ${data.segment} (r ${data.r})`),
      scores: scores.rows,
    };
  });
}

describe('an RFM run, a range of customers at a time (PGlite and chDB)', () => {
  it('appends the same segment changes and keeps the same scores in ranges of 2 customers as all at once: entries, leavers, and nothing when nothing changed', async () => {
    const rows = purchases();

    const inRanges = await runsInTurn(rows, 2);
    const atOnce = await runsInTurn(rows, 1_000);

    expect(inRanges).toEqual(atOnce);
    expect(atOnce.workTablesLeft).toEqual([]);
    expect(atOnce.scores).toHaveLength(5);
    // Every customer entered in the first run; four left in the second, one of them first in id
    // order; the third changed nothing, and so did the what-if, which counted the five customers
    // who had bought by then.
    expect(atOnce.events.filter((e) => e.includes(': null -> '))).toHaveLength(9);
    expect(atOnce.events.filter((e) => e.endsWith('-> null (r null)'))).toHaveLength(4);
    expect(atOnce.whatIf.current).toBe(false);
    expect(Object.values(atOnce.whatIf.segments!).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('refuses a run on ClickHouse tables emptied (lost, or before a rebuild of analytics is swapped in), keeping every segment', async () => {
    await withStores(purchases(), 1_000, async ({ sql, clickhouse, options }) => {
      await runRfm(options, { asOf: AS_OF, windowDays: 365 }, new Date());
      const state = async () => [
        (await sql.query(`SELECT customer_id, segment FROM rfm.current_scores ORDER BY customer_id`)).rows,
        (await sql.query(`SELECT count(*)::int AS n FROM event_store.events`)).rows,
      ];
      const before = await state();
      await clickhouse.command('TRUNCATE TABLE purchases');

      await expect(runRfm(options, { asOf: AS_OF, windowDays: 365 }, new Date())).rejects.toMatchObject({ code: 'RFM.ANALYTICS_DATA_MISSING', message: expect.stringContaining('rebuild analytics') });
      expect(await state()).toEqual(before);
      // Once the rebuild has filled them again, runs go on.
      await clickhouse.insert('purchases', purchases());
      expect((await runRfm(options, { asOf: AS_OF, windowDays: 365 }, new Date())).customers).toBe(9);
    });
  });

  it('appends the changes of a run whose append failed after its commit, in order and once, before the next run decides', async () => {
    await withStores(purchases(), 1_000, async ({ sql, clickhouse, eventStore, options }) => {
      // The event store is down when the first run has committed its scores: as a process killed then.
      const down = { ...eventStore, appendMany: async () => Promise.reject(new Error('the event store is down')) };
      await expect(runRfm({ ...options, eventStore: down }, { asOf: AS_OF, windowDays: 365 }, new Date())).rejects.toThrow('the event store is down');
      const appended = async () => (await sql.query<{ stream_id: string; data: { previousSegment: string | null; segment: string | null } }>(`SELECT stream_id, data FROM event_store.events ORDER BY global_position`)).rows;
      expect(await appended()).toEqual([]);
      expect((await sql.query(`SELECT count(*)::int AS n FROM rfm.current_scores`)).rows).toEqual([{ n: 9 }]);

      await clickhouse.insert('identity_map', MERGED.map((c) => ({ key: `email:c${c}@example.com`, customer_id: 'cus_1', version: '2' })));
      await runRfm(options, { asOf: AS_OF, windowDays: 365 }, new Date());
      // The first run's nine entries first, then the second's changes (four leavers among them): each stream's chain unbroken.
      const events = await appended();
      expect(events.map((e) => `${e.data.previousSegment ?? 'in'} -> ${e.data.segment ?? 'out'}`).filter((e) => e.startsWith('in'))).toHaveLength(9);
      expect(events.slice(0, 9).every((e) => e.data.previousSegment === null)).toBe(true);
      expect(events.filter((e) => e.data.segment === null)).toHaveLength(4);
      const last = new Map<string, string | null>();
      for (const { stream_id, data } of events) {
        expect(data.previousSegment).toBe(last.get(stream_id) ?? null);
        last.set(stream_id, data.segment);
      }
      expect((await sql.query(`SELECT count(*)::int AS n FROM rfm.outbox`)).rows).toEqual([{ n: 0 }]);
    });
  });

  it('stops waiting for projections that are behind when its process stops, having computed nothing', async () => {
    await withStores(purchases(), 1_000, async ({ sql, eventStore, options }) => {
      await migrateProjectionTables(sql);
      await eventStore.append('touchpoints-email:c1@example.com', [{ eventId: randomUUID(), type: 'purchase', data: {} }]);
      const stopping = new AbortController();
      const startedAt = Date.now();

      const run = runRfm({ ...options, projections: ['customers'], catchUpTimeoutMs: 60_000, signal: stopping.signal }, { asOf: AS_OF, windowDays: 365 }, new Date());
      setTimeout(() => stopping.abort(), 300);

      await expect(run).rejects.toMatchObject({ code: 'RFM.STOPPED', message: expect.stringContaining('customers still had 1 events to apply') });
      // Nor does a run asked for once the process is stopping start at all.
      await expect(runRfm({ ...options, signal: stopping.signal }, { asOf: AS_OF, windowDays: 365 }, new Date())).rejects.toMatchObject({ code: 'RFM.STOPPED' });
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      expect((await sql.query(`SELECT count(*)::int AS n FROM rfm.current_scores`)).rows).toEqual([{ n: 0 }]);
    });
  });
});
