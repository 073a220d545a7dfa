import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@cdp/event-log';
import { createPostgresEventLog, type PostgresEventLog } from '@cdp/event-log-postgres';
import { loadSchemaCatalog, type Touchpoint } from '@cdp/events';
import { openPgliteDatabase, type SqlClient } from '@cdp/sql';
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
  const decided = async () => (await sql.query<{ type: string }>(`SELECT event_type AS type FROM event_log.events ORDER BY global_position`)).rows.map((r) => r.type);
  const project = async (schema: string) => {
    const handler = await customerProjection({ catalog: loadSchemaCatalog(), eventStore }).open(sql, schema);
    await sql.transaction((tx) => handler.apply(tx, mergingTouchpoints(), { resumed: false }));
    await handler.afterCommit?.();
  };

  beforeEach(async () => {
    const database = await openPgliteDatabase();
    const dataSource = await openCustomerDataSource({ driver: database.typeormDriver });
    sql = database.client;
    eventStore = await createPostgresEventLog(sql);
    close = async () => (await eventStore.close(), await dataSource.destroy(), await sql.close());
  });
  afterEach(() => close());

  it('records the merges it decides live in the event store', async () => {
    await project(CUSTOMER_PROJECTION);
    expect(await decided()).toEqual(['CustomerMerged']);
  });

  it('records nothing when it is built aside, as a rebuild builds it: live has recorded its merges already', async () => {
    await project(`${CUSTOMER_PROJECTION}_rebuild`);
    expect(await decided()).toEqual([]);
    expect((await sql.query(`SELECT count(*)::int AS n FROM ${CUSTOMER_PROJECTION}_rebuild.outbox`)).rows).toEqual([{ n: 0 }]);
  });
});
