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

/** The deployment id of the Postgres database, recorded for `namespace` if none is; refused if recorded for another namespace. */
export async function claimDatabase(sql: SqlClient, namespace: string, database: string): Promise<string> {
  await sql.query(`CREATE SCHEMA IF NOT EXISTS deployment`);
  await sql.query(
    `CREATE TABLE IF NOT EXISTS deployment.identity (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), id text NOT NULL, namespace text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`,
  );
  await sql.query(`INSERT INTO deployment.identity (id, namespace) VALUES ($1, $2) ON CONFLICT (only_row) DO NOTHING`, [randomUUID(), namespace]);
  const { rows } = await sql.query<{ id: string; namespace: string }>(`SELECT id, namespace FROM deployment.identity`);
  const [recorded] = rows;
  if (recorded.namespace !== namespace) {
    throw new DeploymentMismatchError(
      `the Postgres database ${database} (DATABASE_URL) belongs to the deployment of CDP_KAFKA_NAMESPACE=${recorded.namespace}, and this process runs ${namespace}: ` +
        `two deployments in one database mix their customers, and a rebuild by one deletes the other's. Give this deployment a database of its own, or set CDP_KAFKA_NAMESPACE=${recorded.namespace} if it is that deployment`,
    );
  }
  return recorded.id;
}

/** Records the deployment's id in its ClickHouse database if none is; refuses a database recorded for another deployment. */
export async function claimAnalyticsDatabase(clickhouse: ClickHouseClient, id: string, namespace: string): Promise<void> {
  await clickhouse.command(`CREATE TABLE IF NOT EXISTS deployment (id String, namespace String) ENGINE = TinyLog`);
  const recorded = async () => clickhouse.query<{ id: string; namespace: string }>(`SELECT id, namespace FROM deployment LIMIT 1`);
  let [row] = await recorded();
  if (row === undefined) {
    await clickhouse.insert('deployment', [{ id, namespace }]);
    [row] = await recorded();
  }
  if (row.id !== id) {
    throw new DeploymentMismatchError(
      `the ClickHouse database ${clickhouse.database} (CLICKHOUSE_URL) belongs to another deployment (CDP_KAFKA_NAMESPACE=${row.namespace}, whose Postgres database is another): ` +
        `two deployments in one ClickHouse database mix their analytics and RFM scores. Give this deployment a ClickHouse database of its own (its path in CLICKHOUSE_URL)`,
    );
  }
}
