import { sqlIdentifier, type ClickHouseClient } from '@cdp/clickhouse';
import { THROWAWAY_CLICKHOUSE_ENGINES } from '@cdp/clickhouse/testing';
import { openCustomerDataSource } from '@cdp/customer-projection';
import { openPgliteDatabase, type SqlClient } from '@cdp/sql';
import { migrateAnalyticsTables } from '../tables/analytics-tables';
import { IdentityMapSync } from './identity-map-sync';

/** What ClickHouse resolves each customer key to, as the resolved views and RFM read it ('' is the copy's marker, no key). */
const owners = (clickhouse: ClickHouseClient) =>
  clickhouse.query<{ key: string; customer_id: string }>("SELECT key, argMax(customer_id, version) AS customer_id FROM identity_map WHERE key != '' GROUP BY key ORDER BY key");

describe.each(THROWAWAY_CLICKHOUSE_ENGINES)('the identity map copied to %s', (_, openClickHouse) => {
  let sql: SqlClient;
  let closeSql: () => Promise<void>;
  let clickhouse: ClickHouseClient;
  const lost: string[] = [];

  beforeEach(async () => {
    const database = await openPgliteDatabase();
    const dataSource = await openCustomerDataSource({ driver: database.typeormDriver });
    sql = database.client;
    closeSql = () => dataSource.destroy().then(() => database.client.close());
    clickhouse = await openClickHouse();
    await migrateAnalyticsTables(clickhouse);
    lost.length = 0;
    await own('email:a@example.com', 'cus_a');
    await own('phone:+989121234567', 'cus_a');
    await own('email:b@example.com', 'cus_b');
  });

  afterEach(async () => {
    await clickhouse.close();
    await closeSql();
  });

  async function own(identifier: string, customerId: string): Promise<void> {
    await sql.query(
      `INSERT INTO customers.identity_owners (identifier, customer_id) VALUES ($1, $2)
       ON CONFLICT (identifier) DO UPDATE SET customer_id = excluded.customer_id, version = nextval('public.customer_identity_versions')`,
      [identifier, customerId],
    );
  }

  /** A database dropped (by mistake, or a new server): every table and view gone; the next start migrates it anew, empty. */
  async function dropEverything(): Promise<void> {
    const tables = await clickhouse.query<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase()');
    for (const { name } of tables) await clickhouse.command(`DROP TABLE ${sqlIdentifier(name)}`);
  }

  const open = () => IdentityMapSync.open(sql, clickhouse, { onLost: (message) => lost.push(message) });
  const EXPECTED = [
    { key: 'email:a@example.com', customer_id: 'cus_a' },
    { key: 'email:b@example.com', customer_id: 'cus_b' },
    { key: 'phone:+989121234567', customer_id: 'cus_a' },
  ];

  it('copies the whole map again at start when ClickHouse lost it, and says so', async () => {
    expect(await (await open()).syncNow()).toBe(3);
    await dropEverything();
    await migrateAnalyticsTables(clickhouse);

    const restarted = await open();
    expect(await restarted.syncNow()).toBe(3);
    expect(await owners(clickhouse)).toEqual(EXPECTED);
    expect(lost).toEqual([expect.stringContaining(`ClickHouse database ${clickhouse.database} does not hold the identity map copied to it`)]);

    // Once whole again, a copy takes only what changed.
    await own('email:b@example.com', 'cus_a');
    expect(await restarted.syncNow()).toBe(1);
    expect(lost).toHaveLength(1);
  });

  it('notices at the next copy a map emptied while it runs, though a new change lands first', async () => {
    const sync = await open();
    expect(await sync.syncNow()).toBe(3);
    await clickhouse.command(`TRUNCATE TABLE ${sqlIdentifier('identity_map')}`);
    await own('email:c@example.com', 'cus_c');

    expect(await sync.syncNow()).toBe(4);
    expect(await owners(clickhouse)).toEqual([...EXPECTED, { key: 'email:c@example.com', customer_id: 'cus_c' }].sort((a, b) => a.key.localeCompare(b.key)));
    expect(lost).toHaveLength(1);

    // The database dropped while it ran: the next change fails to go in, until the database is made anew.
    await dropEverything();
    await own('email:d@example.com', 'cus_d');
    await expect(sync.syncNow()).rejects.toThrow();
    await migrateAnalyticsTables(clickhouse);
    expect(await sync.syncNow()).toBe(5);
    expect(lost).toHaveLength(2);
  });

  it('finds out a ClickHouse restored from a backup older than the copy', async () => {
    const sync = await open();
    expect(await sync.syncNow()).toBe(3);
    const backup = await clickhouse.query<Record<string, unknown>>('SELECT key, customer_id, version FROM identity_map');
    await own('email:c@example.com', 'cus_c');
    expect(await sync.syncNow()).toBe(1);
    await clickhouse.command(`TRUNCATE TABLE ${sqlIdentifier('identity_map')}`);
    await clickhouse.insert('identity_map', backup);

    expect(await sync.syncNow()).toBe(4);
    expect(await owners(clickhouse)).toEqual([...EXPECTED, { key: 'email:c@example.com', customer_id: 'cus_c' }].sort((a, b) => a.key.localeCompare(b.key)));
    expect(lost).toHaveLength(1);
  });

  it('copies once more, whole, a map an earlier release copied without its mark', async () => {
    await (await open()).syncNow();
    // What an earlier release left: its rows, and its progress in Postgres, but no mark.
    await clickhouse.command(`TRUNCATE TABLE ${sqlIdentifier('identity_map')}`);
    const { rows } = await sql.query<{ key: string; customer_id: string; version: string }>('SELECT identifier AS key, customer_id, version::text AS version FROM customers.identity_owners');
    await clickhouse.insert('identity_map', rows);
    expect(await (await open()).syncNow()).toBe(3);
    expect(lost).toHaveLength(1);
    expect(await owners(clickhouse)).toEqual(EXPECTED);
  });

  it('finds nothing lost in a map it keeps whole', async () => {
    const sync = await open();
    expect(await sync.syncNow()).toBe(3);
    await own('email:b@example.com', 'cus_a');
    expect(await sync.syncNow()).toBe(1);
    expect(await sync.syncNow()).toBe(0);
    expect(lost).toEqual([]);
  });
});
