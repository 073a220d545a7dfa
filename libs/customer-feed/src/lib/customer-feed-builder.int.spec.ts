import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresEventLog, type PostgresEventLog } from '@cdp/event-log-postgres';
import type { CustomerFeedView } from '@cdp/feed';
import { emptyProfile, visibleProfile } from '@cdp/profile';
import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { scratchDatabase, type ScratchDatabase } from '@cdp/sql/testing';
import { buildCustomerChanges } from './customer-feed-builder';
import { partitionOf } from './customer-feed-partitions';
import type { CustomerFeedSources } from './customer-feed-sources.port';
import { CUSTOMER_FEED_LOG_SCHEMA, migrateCustomerFeedTables } from './customer-feed-tables';
import { markCustomersChanged } from './mark-customers-changed';
import { runCustomerFeedBuilder } from './run-customer-feed-builder';

const live = (id: string, touchpoints: number): CustomerFeedView => ({
  mergedInto: null,
  profile: { ...visibleProfile(emptyProfile(id)), touchpoints },
  loyalty: { available: 0, tier: 'member' },
  rfm: null,
});
const merged = (into: string): CustomerFeedView => ({ mergedInto: into, profile: null, loyalty: null, rfm: null });

describe('the customer feed builder (Postgres server)', () => {
  let database: ScratchDatabase;
  let sql: SqlClient;
  let feedLog: PostgresEventLog;
  /** What the read models hold, as the builder reads it. */
  const views = new Map<string, CustomerFeedView>();
  const sources: CustomerFeedSources = {
    read: async (_db, ids) => new Map(ids.map((id) => [id, { view: views.get(id) ?? null, reviewAt: null }])),
  };
  const step = (batchSize?: number) => buildCustomerChanges({ sql, feedLog, sources, now: () => new Date('2026-11-23T10:00:00Z'), batchSize });
  const logged = async () =>
    (await sql.query<{ stream_id: string; event_type: string; stream_position: number }>(
      `SELECT stream_id, event_type, stream_position FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events ORDER BY transaction_id, global_position`,
    )).rows.map((r) => `${r.stream_id.replace('customer-', '')} ${r.event_type}@${r.stream_position + 1}`);

  beforeAll(async () => {
    database = await scratchDatabase();
    sql = createPostgresSqlClient({ connectionString: database.url });
    await migrateCustomerFeedTables(sql);
    feedLog = await createPostgresEventLog(sql, { schema: CUSTOMER_FEED_LOG_SCHEMA });
  });

  afterAll(async () => {
    await feedLog?.close();
    await sql?.close();
    await database?.drop();
  });

  it('publishes a merged customer only after its survivor, though another partition builds the survivor', async () => {
    // Two customers of different partitions, and a session that holds the survivor's partition as a busy builder would.
    const { rows: [pair] } = await sql.query<{ survivor: string; gone: string; partition: number }>(
      `SELECT s.id AS survivor, g.id AS gone, ${partitionOf('s.id')} AS partition
       FROM (SELECT 'cus_s' || n AS id FROM generate_series(1, 20) n) s, (SELECT 'cus_g' || n AS id FROM generate_series(1, 20) n) g
       WHERE ${partitionOf('s.id')} <> ${partitionOf('g.id')} LIMIT 1`,
    );
    const { survivor, gone } = pair;
    views.set(survivor, live(survivor, 1)).set(gone, live(gone, 1));
    await sql.transaction((tx) => markCustomersChanged(tx, [survivor, gone]));
    expect(await step()).toBe(2);

    // The merge, marked as the customer projection marks it: the survivor first.
    views.set(survivor, live(survivor, 2)).set(gone, merged(survivor));
    await sql.transaction((tx) => markCustomersChanged(tx, [survivor, gone]));
    const busy = new Client({ connectionString: database.url });
    await busy.connect();
    await busy.query(`SELECT pg_advisory_lock(hashtext('cdp-customer-feed'), $1)`, [pair.partition]);
    // A backlog over the batch size: each partition is built in its own transaction.
    const stepping = step(1);
    // The merged customer's partition is free: it waits for the survivor rather than go first.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await logged()).sort()).toEqual([`${gone} CustomerCreated@1`, `${survivor} CustomerCreated@1`]);
    await busy.query(`SELECT pg_advisory_unlock(hashtext('cdp-customer-feed'), $1)`, [pair.partition]);
    await busy.end();
    await stepping;
    while ((await step(1)) > 0);

    expect((await logged()).slice(2)).toEqual([`${survivor} ProfileChanged@2`, `${gone} CustomerMerged@2`]);
    const { rows: marks } = await sql.query(`SELECT customer_id FROM customer_feed.changed_customers`);
    expect(marks).toEqual([]);
  });

  it('publishes a merge after its survivor\'s new state though the merged customer was marked first', async () => {
    const { rows: [pair] } = await sql.query<{ survivor: string; gone: string }>(
      `SELECT s.id AS survivor, g.id AS gone
       FROM (SELECT 'cus_first_s' || n AS id FROM generate_series(1, 20) n) s, (SELECT 'cus_first_g' || n AS id FROM generate_series(1, 20) n) g
       WHERE ${partitionOf('s.id')} = ${partitionOf('g.id')} LIMIT 1`,
    );
    const { survivor, gone } = pair;
    views.set(survivor, live(survivor, 1)).set(gone, live(gone, 1));
    await sql.transaction((tx) => markCustomersChanged(tx, [survivor, gone]));
    while ((await step()) > 0);

    views.set(survivor, live(survivor, 2)).set(gone, merged(survivor));
    await sql.transaction((tx) => markCustomersChanged(tx, [gone]));
    await sql.transaction((tx) => markCustomersChanged(tx, [survivor]));
    while ((await step()) > 0);

    const ofPair = (await logged()).filter((line) => line.startsWith(`${survivor} `) || line.startsWith(`${gone} `));
    expect(ofPair.slice(2)).toEqual([`${survivor} ProfileChanged@2`, `${gone} CustomerMerged@2`]);
  });

  it('fails loudly, publishing nothing, when the feed log holds a version the builder did not write', async () => {
    const id = `cus_out_of_step_${randomUUID().slice(0, 8)}`;
    views.set(id, live(id, 1));
    await sql.transaction((tx) => markCustomersChanged(tx, [id]));
    while ((await step()) > 0);
    // Written by hand, or by a second builder that does not take the partition's lock.
    await feedLog.append(`customer-${id}`, [{ eventId: randomUUID(), type: 'ProfileChanged', data: {} }]);

    views.set(id, live(id, 2));
    await sql.transaction((tx) => markCustomersChanged(tx, [id]));

    await expect(step()).rejects.toThrow(`stream customer-${id} is at 1, expected 0`);
    expect((await logged()).filter((line) => line.startsWith(`${id} `))).toEqual([`${id} CustomerCreated@1`, `${id} ProfileChanged@2`]);
    await sql.query(`DELETE FROM customer_feed.changed_customers WHERE customer_id = $1`, [id]);
  });

  it('builds a backlog within the batch size in one transaction for all its partitions', async () => {
    // Ten customers of each partition, picked by the partitioner itself: random ones could miss a partition.
    const { rows: picked } = await sql.query<{ id: string }>(
      `SELECT id FROM (
         SELECT id, row_number() OVER (PARTITION BY ${partitionOf('id')} ORDER BY n) AS nth
         FROM (SELECT 'cus_backlog' || n AS id, n FROM generate_series(1, 400) n) c
       ) p WHERE nth <= 10 ORDER BY id`,
    );
    const ids = picked.map((r) => r.id);
    expect(ids).toHaveLength(40);
    for (const id of ids) views.set(id, live(id, 1));
    await sql.transaction((tx) => markCustomersChanged(tx, ids));

    expect(await step()).toBe(ids.length);

    const { rows } = await sql.query<{ partitions: number; transactions: number }>(
      `SELECT count(DISTINCT ${partitionOf(`substring(stream_id from 10)`)})::int AS partitions, count(DISTINCT transaction_id)::int AS transactions
       FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events WHERE stream_id = ANY($1::text[])`,
      [ids.map((id) => `customer-${id}`)],
    );
    expect(rows[0]).toEqual({ partitions: 4, transactions: 1 });
  });

  it('looks less and less often while idle, and builds at once when woken', async () => {
    let looks = 0;
    const counted: SqlClient = { ...sql, query: (text, params) => (text.includes('WITH due AS') && looks++, sql.query(text, params)) };
    const now = () => new Date('2026-11-23T10:00:00Z');
    const idle = runCustomerFeedBuilder({ sql: counted, feedLog, sources, now });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await idle.close();
    // A look every 25 ms would be 60.
    expect(looks).toBeGreaterThan(0);
    expect(looks).toBeLessThan(15);

    // Idle waits of a minute: only the wake can make it build within moments.
    const builder = runCustomerFeedBuilder({ sql, feedLog, sources, now, idleMs: 60_000, maxIdleMs: 60_000 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const id = `cus_${randomUUID().replace(/-/g, '')}`;
      views.set(id, live(id, 1));
      await sql.transaction((tx) => markCustomersChanged(tx, [id]));
      const wokenAt = Date.now();
      builder.wake();
      while (!(await logged()).includes(`${id} CustomerCreated@1`) && Date.now() - wokenAt < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await logged()).toContain(`${id} CustomerCreated@1`);
    } finally {
      await builder.close();
    }
  });
});
