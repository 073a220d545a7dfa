import { sqlLiteral, type ClickHouseClient } from '@cdp/clickhouse';
import { CUSTOMER_PROJECTION } from '@cdp/customer-projection';
import { migrateSchema, quoteIdentifier, type SqlClient } from '@cdp/sql';

/** Not the analytics projection's schema, which a rebuild of it would swap away. */
const STATE_SCHEMA = 'analytics_state';
const ROWS_PER_COPY = 20_000;
/**
 * The key of the rows that mark how far the copy got in ClickHouse itself: each insert carries one
 * whose version is its last row's. '' is no identifier: it stands for no customer wherever
 * identity_map is read (RFM leaves it out), and merges keep its highest version.
 */
const MARKER_KEY = '';
/** A generation is worth more than any Postgres version, so a generation's rows win over older ones. */
const GENERATION_SHIFT = 2n ** 40n;

export interface IdentityMapSyncOptions {
  /** Told when ClickHouse lacks the copy Postgres says it holds, before the whole map is copied again. */
  readonly onLost?: (message: string) => void;
}

interface SyncState {
  readonly tableOid: string;
  readonly generation: number;
  readonly version: string;
}

/**
 * Copies the identity map (identifier -> customer) from the customer projection's
 * `identity_owners` in Postgres to `identity_map` in ClickHouse, incrementally: the rows whose
 * version is past the last one copied. ClickHouse keeps every version of a key and queries take
 * the latest (argMax), so a merge is resolved at read time and a copy repeated after a crash
 * changes nothing.
 *
 * How far the copy got is kept per ClickHouse database, so a second database (a replay) gets
 * a whole copy of its own.
 *
 * A rebuild of the customer projection swaps in a new `identity_owners` whose versions are not
 * comparable with the old one's: the copy notices (the table is another object), starts a new
 * generation, and copies the whole map again, each row with its generation in the high bits of
 * its version so that the new map wins over the old.
 *
 * ClickHouse may lose what it was given (a database dropped and migrated anew, a table emptied, a
 * new server, a restored backup) while Postgres keeps how far the copy got. So every insert also
 * marks, in a row of key '', how far the copy got with it, and every copy first reads that mark (one
 * key of the table's order) and copies the whole map again when it falls short of Postgres's.
 * Without that, every customer key would stand for a customer of its own in the resolved views and RFM.
 */
export class IdentityMapSync {
  private running: Promise<number> | undefined;

  private constructor(
    private readonly sql: SqlClient,
    private readonly clickhouse: ClickHouseClient,
    private readonly options: IdentityMapSyncOptions,
  ) {}

  static async open(sql: SqlClient, clickhouse: ClickHouseClient, options: IdentityMapSyncOptions = {}): Promise<IdentityMapSync> {
    await migrateSchema(sql, STATE_SCHEMA, (s) => [
      `CREATE TABLE IF NOT EXISTS ${s}.identity_map_copy (target text PRIMARY KEY, table_oid text NOT NULL, generation int NOT NULL, version bigint NOT NULL)`,
    ]);
    return new IdentityMapSync(sql, clickhouse, options);
  }

  /** Copies every change committed before the call; returns how many rows it copied. Calls run one after another. */
  syncNow(): Promise<number> {
    const copy = (this.running ?? Promise.resolve(0)).catch(() => 0).then(() => this.copyAll());
    this.running = copy;
    return copy;
  }

  private async copyAll(): Promise<number> {
    let state = await this.state();
    if (!(await this.holds(state))) state = { ...state, version: '0' };
    let copied = 0;
    for (;;) {
      const { rows } = await this.sql.query<{ identifier: string; customer_id: string; version: string }>(
        `SELECT identifier, customer_id, version FROM ${quoteIdentifier(CUSTOMER_PROJECTION)}.identity_owners
         WHERE version > $1 ORDER BY version LIMIT ${ROWS_PER_COPY}`,
        [state.version],
      );
      if (rows.length === 0) return copied;
      const generation = BigInt(state.generation) * GENERATION_SHIFT;
      const last = rows[rows.length - 1].version;
      // The mark goes in the same insert as the rows it stands for: both land, or neither.
      await this.clickhouse.insert('identity_map', [
        ...rows.map((r) => ({ key: r.identifier, customer_id: r.customer_id, version: String(generation + BigInt(r.version)) })),
        { key: MARKER_KEY, customer_id: '', version: String(generation + BigInt(last)) },
      ]);
      state = { ...state, version: last };
      await this.save(state);
      copied += rows.length;
    }
  }

  /** Whether ClickHouse's mark of how far the copy got reaches what Postgres says was copied (trivially so before any copy). */
  private async holds(state: SyncState): Promise<boolean> {
    if (state.version === '0') return true;
    const copied = BigInt(state.generation) * GENERATION_SHIFT + BigInt(state.version);
    const [{ marked }] = await this.clickhouse.query<{ marked: string }>(`SELECT toString(max(version)) AS marked FROM identity_map WHERE key = ${sqlLiteral(MARKER_KEY)}`);
    if (BigInt(marked) >= copied) return true;
    this.options.onLost?.(
      `ClickHouse database ${this.clickhouse.database} does not hold the identity map copied to it (it is marked as far as version ${marked}, the copy got to ${copied}): ` +
        'its database or table was dropped, emptied, replaced or restored, or it was copied by a release without marks (the first start after such an upgrade says this once); ' +
        'copying the whole map again from Postgres, which holds it: nothing is lost, and analytics queries resolve identities as before once the copy is done',
    );
    return false;
  }

  private async state(): Promise<SyncState> {
    const { rows: tables } = await this.sql.query<{ oid: string }>(`SELECT to_regclass($1)::oid::text AS oid`, [`${CUSTOMER_PROJECTION}.identity_owners`]);
    const tableOid = tables[0].oid;
    const { rows } = await this.sql.query<{ table_oid: string; generation: number; version: string }>(`SELECT table_oid, generation, version FROM ${STATE_SCHEMA}.identity_map_copy WHERE target = $1`, [this.clickhouse.database]);
    const saved = rows[0];
    if (saved === undefined) return { tableOid, generation: 0, version: '0' };
    if (saved.table_oid === tableOid) return { tableOid, generation: saved.generation, version: saved.version };
    return { tableOid, generation: saved.generation + 1, version: '0' };
  }

  private async save(state: SyncState): Promise<void> {
    await this.sql.query(
      `INSERT INTO ${STATE_SCHEMA}.identity_map_copy (target, table_oid, generation, version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (target) DO UPDATE SET table_oid = excluded.table_oid, generation = excluded.generation, version = excluded.version`,
      [this.clickhouse.database, state.tableOid, state.generation, state.version],
    );
  }
}
