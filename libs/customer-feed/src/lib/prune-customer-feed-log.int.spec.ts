import { randomUUID } from 'node:crypto';
import { createPostgresEventLog, type PostgresEventLog } from '@cdp/event-log-postgres';
import { migrateProjectionTables, writeCheckpoint } from '@cdp/projections';
import { createPgliteSqlClient, type SqlClient } from '@cdp/sql';
import { CUSTOMER_FEED_LOG_SCHEMA, migrateCustomerFeedTables } from './customer-feed-tables';
import { changeCheck } from '@cdp/feed';
import { isChangeId, prunedAfter, pruneCustomerFeedLog } from './prune-customer-feed-log';

const NOW = new Date('2026-12-04T12:00:00Z');
const WEEK_AGO = new Date('2026-11-27T12:00:00Z');

describe('pruning the customer feed log (PGlite)', () => {
  let sql: SqlClient;
  let feedLog: PostgresEventLog;

  const change = (version: number) => ({ eventId: randomUUID(), type: 'ProfileChanged', data: { version } });
  /** Appends a change to the customer's stream, recorded `daysAgo` before NOW. */
  const record = async (customer: string, daysAgo: number) => {
    await feedLog.append(`customer-${customer}`, [change(0)]);
    await sql.query(
      `UPDATE ${CUSTOMER_FEED_LOG_SCHEMA}.events SET recorded_at = $1 WHERE global_position = (SELECT max(global_position) FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events)`,
      [new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString()],
    );
  };
  const kept = async () =>
    (await sql.query<{ stream_id: string; stream_position: number }>(`SELECT stream_id, stream_position FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events ORDER BY global_position`)).rows.map(
      (r) => `${r.stream_id.replace('customer-', '')}@${r.stream_position}`,
    );

  beforeEach(async () => {
    sql = await createPgliteSqlClient();
    await migrateProjectionTables(sql);
    await migrateCustomerFeedTables(sql);
    feedLog = await createPostgresEventLog(sql, { schema: CUSTOMER_FEED_LOG_SCHEMA });
    // a: three old changes and a recent one; b: two old ones; c: one old one.
    for (const [customer, daysAgo] of [['a', 30], ['b', 20], ['a', 10], ['c', 9], ['b', 8], ['a', 8], ['a', 1]] as const) await record(customer, daysAgo);
  });

  afterEach(async () => {
    await feedLog.close();
    await sql.close();
  });

  it("deletes changes older than the retention, but never a customer's latest, in chunks", async () => {
    expect(await pruneCustomerFeedLog({ sql, recordedBefore: WEEK_AGO, followers: [], chunk: 2 })).toBe(4);

    expect(await kept()).toEqual(['c@0', 'b@1', 'a@3']);
  });

  it('keeps numbering a customer’s changes where it was after a prune', async () => {
    await pruneCustomerFeedLog({ sql, recordedBefore: NOW, followers: [] });
    await feedLog.append('customer-b', [change(3)]);

    expect(await kept()).toEqual(['c@0', 'b@1', 'a@3', 'b@2']);
  });

  it('keeps what a follower of the log has not processed, and everything while one has not started', async () => {
    expect(await pruneCustomerFeedLog({ sql, recordedBefore: WEEK_AGO, followers: ['customer_feed_kafka'] })).toBe(0);

    // The follower has processed the first three changes: a@0, b@0 and a@1.
    const { rows } = await sql.query<{ global_position: string; transaction_id: string }>(
      `SELECT global_position::text, transaction_id::text FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events ORDER BY global_position LIMIT 1 OFFSET 2`,
    );
    await sql.transaction((tx) => writeCheckpoint(tx, 'customer_feed_kafka', { all: `${rows[0].transaction_id}:${rows[0].global_position}` }, []));

    expect(await pruneCustomerFeedLog({ sql, recordedBefore: WEEK_AGO, followers: ['customer_feed_kafka'] })).toBe(3);
    expect(await kept()).toEqual(['c@0', 'b@1', 'a@2', 'a@3']);
  });

  it('tells which resume positions lie before the last change it pruned', async () => {
    const { rows } = await sql.query<{ offset: string }>(
      `SELECT transaction_id::text || ':' || global_position AS offset FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events ORDER BY transaction_id, global_position`,
    );
    const offsets = rows.map((r) => r.offset);
    expect(await prunedAfter(sql, offsets[0])).toBeUndefined();

    // Goes: a@0, b@0, a@1 and a@2, the sixth change of the log.
    await pruneCustomerFeedLog({ sql, recordedBefore: WEEK_AGO, followers: [], chunk: 2 });
    await pruneCustomerFeedLog({ sql, recordedBefore: WEEK_AGO, followers: [] });

    expect(await Promise.all(offsets.map((offset) => prunedAfter(sql, offset)))).toEqual([offsets[5], offsets[5], offsets[5], offsets[5], offsets[5], undefined, undefined]);
  });

  it('names a held change by its position, and by the check of the change there when given, and a pruned one by its position', async () => {
    const { rows } = await sql.query<{ offset: string; event_id: string }>(
      `SELECT transaction_id::text || ':' || global_position AS offset, event_id::text FROM ${CUSTOMER_FEED_LOG_SCHEMA}.events ORDER BY transaction_id, global_position`,
    );
    const last = rows[rows.length - 1];
    expect(await isChangeId(sql, last.offset)).toBe(true);
    expect(await isChangeId(sql, last.offset, changeCheck(last.event_id))).toBe(true);
    // The same position, another change's check: the feed's data was restored from an earlier copy.
    expect(await isChangeId(sql, last.offset, changeCheck(rows[0].event_id))).toBe(false);
    expect(await isChangeId(sql, `${last.offset.split(':')[0]}:0`)).toBe(false);

    await pruneCustomerFeedLog({ sql, recordedBefore: WEEK_AGO, followers: [] });
    // A pruned change cannot be checked: its position is taken as it is.
    expect(await isChangeId(sql, rows[0].offset, changeCheck(rows[0].event_id))).toBe(true);
  });

  it('has pruned nothing before its table exists', async () => {
    await sql.query('DROP TABLE customer_feed.log_pruned_through');

    expect(await prunedAfter(sql, '0:0')).toBeUndefined();
  });
});
