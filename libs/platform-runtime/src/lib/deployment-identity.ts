import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@cdp/clickhouse';
import type { SqlClient } from '@cdp/sql';

/**
 * The stores of one servers-mode deployment belong to it alone: a database or a ClickHouse database
 * that another deployment (another CDP_KAFKA_NAMESPACE) also uses would mix their customers, and a
 * rebuild by one would delete the other's profiles. The first process to start writes the
 * deployment's namespace and a random id into its Postgres database, and the id into its ClickHouse
 * database; every later start checks them and refuses stores that belong to another deployment.
 */
export class DeploymentMismatchError extends Error {
  readonly code = 'SETTINGS.OTHER_DEPLOYMENTS_STORE';
}

/** What the Postgres database says of its deployment; `recordedNow` when this start recorded it (a new or restored database). */
export interface DatabaseClaim {
  readonly id: string;
  readonly recordedNow: boolean;
}

/** The deployment id of the Postgres database, recorded for `namespace` if none is; refused if recorded for another namespace. */
export async function claimDatabase(sql: SqlClient, namespace: string): Promise<DatabaseClaim> {
  await sql.query(`CREATE SCHEMA IF NOT EXISTS deployment`);
  await sql.query(
    `CREATE TABLE IF NOT EXISTS deployment.identity (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), id text NOT NULL, namespace text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`,
  );
  const { rows: inserted } = await sql.query(`INSERT INTO deployment.identity (id, namespace) VALUES ($1, $2) ON CONFLICT (only_row) DO NOTHING RETURNING id`, [randomUUID(), namespace]);
  const { rows } = await sql.query<{ id: string; namespace: string; database: string }>(`SELECT id, namespace, current_database() AS database FROM deployment.identity`);
  const [recorded] = rows;
  if (recorded.namespace !== namespace) {
    throw new DeploymentMismatchError(
      `the Postgres database ${recorded.database} (DATABASE_URL) belongs to the deployment of CDP_KAFKA_NAMESPACE=${recorded.namespace}, and this process runs ${namespace}: ` +
        `two deployments in one database mix their customers, and a rebuild by one deletes the other's. Give this deployment a database of its own, or set CDP_KAFKA_NAMESPACE=${recorded.namespace} if it is that deployment`,
    );
  }
  return { id: recorded.id, recordedNow: inserted.length > 0 };
}

const TABLE = '_cdp_deployment';

/**
 * Records the deployment's id in its ClickHouse database if none is, before anything there is
 * migrated; refuses a database recorded for another deployment. A Postgres database recorded just
 * now (made anew, or restored from a backup older than the record) takes the id ClickHouse holds
 * for the same namespace, through `adopt`.
 */
export async function claimAnalyticsDatabase(clickhouse: ClickHouseClient, database: DatabaseClaim, namespace: string, adopt: (id: string) => Promise<void>): Promise<void> {
  await clickhouse.command(`CREATE TABLE IF NOT EXISTS ${TABLE} (id String, namespace String) ENGINE = TinyLog`);
  const recorded = async () => clickhouse.query<{ id: string; namespace: string }>(`SELECT id, namespace FROM ${TABLE} LIMIT 1`);
  let [row] = await recorded();
  if (row === undefined) {
    await clickhouse.insert(TABLE, [{ id: database.id, namespace }]);
    [row] = await recorded();
  }
  if (row.id === database.id) return;
  if (row.namespace === namespace && database.recordedNow) return adopt(row.id);
  const whose = row.namespace === namespace ? `another deployment of the same CDP_KAFKA_NAMESPACE=${namespace}, whose Postgres database is another` : `the deployment of CDP_KAFKA_NAMESPACE=${row.namespace}`;
  throw new DeploymentMismatchError(
    `the ClickHouse database ${clickhouse.database} (CLICKHOUSE_URL) belongs to ${whose}: two deployments in one ClickHouse database mix their analytics and RFM scores. ` +
      `Give this deployment a ClickHouse database of its own (its path in CLICKHOUSE_URL); if it is this deployment's own, and its Postgres database was replaced, DROP TABLE ${clickhouse.database}.${TABLE} and start again`,
  );
}
