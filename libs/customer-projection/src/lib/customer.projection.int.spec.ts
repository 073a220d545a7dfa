import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@cdp/event-log';
import { createPostgresEventLog, type PostgresEventLog } from '@cdp/event-log-postgres';
import { loadSchemaCatalog, type Touchpoint } from '@cdp/events';
import { openPgliteDatabase, type SqlClient } from '@cdp/sql';
import { customerIdFor } from '@cdp/identity';
import { applyBatch, BatchRejectedError, migrateProjectionTables } from '@cdp/projections';
import { CustomerQueries } from './customer-queries';
import { customerProjection } from './customer.projection';
import { CUSTOMER_PROJECTION } from './customer-schema';
import { openCustomerDataSource } from './typeorm/customer-data-source';

const NO_IDENTIFIERS = { customerId: null, email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null };

function visit(identifiers: Partial<Touchpoint['identifiers']>, occurredAt: string): RecordedEvent {
  const eventId = randomUUID();
  const data: Touchpoint = {
    eventId,
    type: 'visit',
    source: 'web',
    occurredAt,
    receivedAt: occurredAt,
    identifiers: { ...NO_IDENTIFIERS, ...identifiers },
    traits: null,
    consent: null,
    attributes: {},
    payload: { channel: 'web', location: '/', durationSec: 5, purpose: null },
  } as Touchpoint;
  return { eventId, type: 'visit', data, metadata: {}, streamId: `touchpoints-${eventId}`, streamPosition: 0, position: '0', partition: 'all', offset: '0', recordedAt: occurredAt };
}

/** Two customers, then a touchpoint that joins them: a merge, which the live projection records in the event store. */
const mergingTouchpoints = () => [
  visit({ email: 'a@example.com' }, '2026-11-01T10:00:00.000Z'),
  visit({ phone: '+989121234567' }, '2026-11-02T10:00:00.000Z'),
  visit({ email: 'a@example.com', phone: '+989121234567' }, '2026-11-03T10:00:00.000Z'),
];

describe('the customer projection and the event store (PGlite)', () => {
  let sql: SqlClient;
  let eventStore: PostgresEventLog;
  let close: () => Promise<void>;
  let queries: CustomerQueries;
  const definition = () => customerProjection({ catalog: loadSchemaCatalog(), eventStore });
  const decided = async () => (await sql.query<{ type: string }>(`SELECT event_type AS type FROM event_log.events ORDER BY global_position`)).rows.map((r) => r.type);
  const outboxOf = async (schema: string) => (await sql.query<{ type: string }>(`SELECT type FROM ${schema}.outbox ORDER BY position`)).rows.map((r) => r.type);
  const marked = async () => (await sql.query<{ n: number }>(`SELECT count(DISTINCT customer_id)::int AS n FROM customer_feed.changed_customers`)).rows[0].n;
  const project = async (schema: string, events: RecordedEvent[]) => {
    const handler = await definition().open(sql, schema);
    await sql.transaction((tx) => handler.apply(tx, events, { resumed: false }));
    await handler.afterCommit?.();
  };
  const ASIDE = `${CUSTOMER_PROJECTION}_rebuild`;

  beforeEach(async () => {
    const database = await openPgliteDatabase();
    const dataSource = await openCustomerDataSource({ driver: database.typeormDriver });
    sql = database.client;
    eventStore = await createPostgresEventLog(sql);
    queries = new CustomerQueries(dataSource);
    close = async () => (await eventStore.close(), await dataSource.destroy(), await sql.close());
  });
  afterEach(() => close());

  it('keeps the first copy of a touchpoint the log holds twice, whether the copies come in one batch or two', async () => {
    const first = visit({ email: 'twice@example.com' }, '2026-11-01T10:00:00.000Z');
    const second = { ...first, data: { ...(first.data as Touchpoint), receivedAt: '2026-11-01T10:00:30.000Z' } };
    const stored = async (schema: string) => (await sql.query<{ touchpoint: Touchpoint }>(`SELECT touchpoint FROM ${schema}.touchpoints`)).rows.map((r) => r.touchpoint.receivedAt);

    await project(CUSTOMER_PROJECTION, [first]);
    await project(CUSTOMER_PROJECTION, [second]);
    await project(ASIDE, [first, second]);

    expect(await stored(CUSTOMER_PROJECTION)).toEqual(['2026-11-01T10:00:00.000Z']);
    expect(await stored(ASIDE)).toEqual(['2026-11-01T10:00:00.000Z']);
  });

  it("at the swap takes over every id live knew its customers by, where it read the log in another order (Kafka's partitions) and started them otherwise", async () => {
    const [first, second, joining] = mergingTouchpoints();
    // Live merged cus_<second> into cus_<first>; read in this order, cus_<second> never was a customer, and cus_<joining> was.
    await project(CUSTOMER_PROJECTION, [first, second, joining]);
    await project(ASIDE, [joining, first, second]);
    const survivor = customerIdFor(first.eventId);
    const mergedFrom = async (schema: string) => (await sql.query<{ ids: string[] }>(`SELECT profile->'mergedFrom' AS ids FROM ${schema}.profiles WHERE customer_id = $1`, [survivor])).rows[0].ids;
    expect(await mergedFrom(CUSTOMER_PROJECTION)).toEqual([customerIdFor(second.eventId)]);
    expect(await mergedFrom(ASIDE)).toEqual([customerIdFor(joining.eventId)]);
    await sql.query(`DELETE FROM customer_feed.changed_customers`);

    await sql.transaction((tx) => definition().beforeSwap!(tx, ASIDE));

    expect(await mergedFrom(ASIDE)).toEqual([customerIdFor(joining.eventId), customerIdFor(second.eventId)].sort());
    expect(await marked()).toBe(0);
    // Live's ids answer as they did (a merged id only through its survivor's mergedFrom), and a touchpoint's id that never started a customer does not.
    expect((await queries.profile(customerIdFor(second.eventId)))?.customerId).toBe(survivor);
    expect(await queries.profile(customerIdFor(joining.eventId))).toBeUndefined();
  });

  it('sets aside a touchpoint the identity rules refuse, though the profiles of known customers were being read as they decided', async () => {
    await migrateProjectionTables(sql);
    await project(CUSTOMER_PROJECTION, [visit({ email: 'known@example.com' }, '2026-11-01T10:00:00.000Z')]);
    const bad = visit({ email: 'known@example.com' }, '2026-11-02T10:00:00.000Z');
    (bad.data as { occurredAt: string }).occurredAt = 'the day before yesterday';
    const batch = [visit({ email: 'known@example.com' }, '2026-11-03T10:00:00.000Z'), bad];
    const handler = await definition().open(sql, CUSTOMER_PROJECTION);

    // As the runtime does: the batch whole, rolled back, then again isolating what its handler refuses.
    const rejected = await sql.transaction((tx) => applyBatch(tx, CUSTOMER_PROJECTION, handler, batch, { resumed: false }, 'whole')).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(BatchRejectedError);
    await sql.transaction((tx) => applyBatch(tx, CUSTOMER_PROJECTION, handler, batch, { resumed: true }, rejected as BatchRejectedError));

    const { rows: letters } = await sql.query<{ event_id: string; error: string }>(`SELECT event_id, error FROM projections.dead_letters`);
    expect(letters).toEqual([{ event_id: bad.eventId, error: expect.stringContaining('occurredAt "the day before yesterday"') }]);
    const customerId = (await queries.customerIdOf('email:known@example.com'))!;
    expect((await queries.profile(customerId))?.touchpoints).toBe(2);
  });

  it('names the merges it committed and has not yet published, for loyalty to wait for', async () => {
    const handler = await definition().open(sql, CUSTOMER_PROJECTION);
    await sql.transaction((tx) => handler.apply(tx, mergingTouchpoints(), { resumed: false }));
    const merged = (await sql.query<{ from: string }>(`SELECT data->>'from' AS from FROM ${CUSTOMER_PROJECTION}.outbox WHERE type = 'CustomerMerged'`)).rows.map((r) => r.from);
    expect(merged).toHaveLength(1);
    expect(await queries.mergesAwaitingPublication([...merged, 'cus_other'])).toEqual(new Set(merged));
    await handler.afterCommit?.();
    expect(await queries.mergesAwaitingPublication(merged)).toEqual(new Set());
  });

  it('records the merges it decides live in the event store', async () => {
    await project(CUSTOMER_PROJECTION, mergingTouchpoints());
    expect(await decided()).toEqual(['CustomerMerged']);
  });

  it('built aside, records nothing as it goes, and at the swap drops its decisions about what live has projected', async () => {
    const touchpoints = mergingTouchpoints();
    await project(CUSTOMER_PROJECTION, touchpoints);
    const before = await marked();
    await project(ASIDE, touchpoints);
    expect(await decided()).toEqual(['CustomerMerged']);
    expect(await outboxOf(ASIDE)).toEqual(['CustomerMerged']);

    await sql.transaction((tx) => definition().beforeSwap!(tx, ASIDE));

    expect(await outboxOf(ASIDE)).toEqual([]);
    expect(await marked()).toBe(before);
  });

  it('at the swap marks the customers whose profile it folded otherwise than live, apart from version and mergedFrom', async () => {
    const touchpoints = mergingTouchpoints();
    await project(CUSTOMER_PROJECTION, touchpoints);
    await project(ASIDE, touchpoints);
    const { rows } = await sql.query<{ customer_id: string }>(`SELECT customer_id FROM ${CUSTOMER_PROJECTION}.profiles`);
    expect(rows).toHaveLength(1);
    const [{ customer_id: customerId }] = rows;
    // As an older release folded it: another consent. And, as a servers-mode rebuild may, another version and mergedFrom.
    await sql.query(
      `UPDATE ${ASIDE}.profiles SET profile = (profile::jsonb || '{"version": 99, "mergedFrom": []}'::jsonb)::json`,
    );
    await sql.query(`DELETE FROM customer_feed.changed_customers`);
    await sql.transaction((tx) => definition().beforeSwap!(tx, ASIDE));
    expect(await marked()).toBe(0);

    await sql.query(`UPDATE ${CUSTOMER_PROJECTION}.profiles SET profile = (profile::jsonb || '{"consent": {"email": {"status": "granted", "occurredAt": "2026-11-01T10:00:00.000Z", "eventId": "x", "source": "old"}}}'::jsonb)::json`);
    await sql.transaction((tx) => definition().beforeSwap!(tx, ASIDE));
    expect((await sql.query(`SELECT customer_id FROM customer_feed.changed_customers`)).rows).toEqual([{ customer_id: customerId }]);
  });

  it("at the swap keeps its decisions about touchpoints live never reached, marks their customers, and takes over live's unsent outbox", async () => {
    await sql.query(`INSERT INTO ${CUSTOMER_PROJECTION}.outbox (stream_id, event_id, type, data) VALUES ('identity-cus_x', 'unsent', 'IdentityConflictRecorded', '{}')`);
    await project(ASIDE, mergingTouchpoints());

    await sql.transaction((tx) => definition().beforeSwap!(tx, ASIDE));

    expect(await outboxOf(ASIDE)).toEqual(['CustomerMerged', 'IdentityConflictRecorded']);
    expect(await marked()).toBe(1);
  });

  it('built aside, settles each identity conflict as live did, in whatever order it reads the touchpoints', async () => {
    // Two customer ids claim one email; a later touchpoint carries the email alone.
    const first = visit({ customerId: 'c-3', email: 'shared@example.com' }, '2026-11-02T10:00:00.000Z');
    const second = visit({ customerId: 'c-4', email: 'shared@example.com' }, '2026-11-03T10:00:00.000Z');
    const emailOnly = visit({ email: 'shared@example.com' }, '2026-11-04T10:00:00.000Z');
    await project(CUSTOMER_PROJECTION, [first, second, emailOnly]);
    // Live refused the email to the second customer id; read the other way round, a rebuild would refuse it to the first.
    await project(ASIDE, [second, first, emailOnly]);

    const rows = async (schema: string, sqlText: string) => (await sql.query(sqlText.replaceAll('$schema', schema))).rows;
    for (const query of [
      `SELECT customer_id, profile::jsonb - 'version' - 'mergedFrom' AS profile FROM $schema.profiles ORDER BY customer_id`,
      `SELECT event_id, customer_id FROM $schema.touchpoints ORDER BY event_id`,
      `SELECT identifier, customer_id FROM $schema.identity_owners ORDER BY identifier`,
      `SELECT event_id, identifier, reason FROM $schema.identity_conflicts ORDER BY event_id, identifier`,
    ]) {
      expect(await rows(ASIDE, query)).toEqual(await rows(CUSTOMER_PROJECTION, query));
    }
    expect(await rows(CUSTOMER_PROJECTION, `SELECT event_id, identifier FROM $schema.identity_conflicts`)).toEqual([{ event_id: second.eventId, identifier: 'email:shared@example.com' }]);
    // Met in the other order, the refusal is between other customers of the moment; the swap takes live's record of it.
    await sql.transaction((tx) => definition().beforeSwap!(tx, ASIDE));
    const conflicts = `SELECT event_id, identifier, reason, customer_id, conflicting_customer_id FROM $schema.identity_conflicts`;
    expect(await rows(ASIDE, conflicts)).toEqual(await rows(CUSTOMER_PROJECTION, conflicts));
  });
});
