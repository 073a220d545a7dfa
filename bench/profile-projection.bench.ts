import { customerProjection, openCustomerDataSource } from '@cdp/customer-projection';
import { generateDemoTouchpoints } from '@cdp/demo-data';
import { createPostgresEventLog } from '@cdp/event-log-postgres';
import { loadSchemaCatalog } from '@cdp/events';
import { prepareTouchpoints } from '@cdp/ingestion';
import { migrateProjectionTables, rebuildProjection } from '@cdp/projections';
import { createPostgresSqlClient, type SqlClient } from '@cdp/sql';
import { postgresBackends, progress, startCpuMeter, timed } from './bench-support';

export interface ProjectionFigures {
  readonly touchpoints: number;
  readonly projectionPerSecond: number;
  readonly baselineRowsPerSecond: number;
  readonly rows: number;
  readonly ratioToBaseline: number;
  /** Touchpoints per second if the projection cost no more than writing its final rows once. */
  readonly writeCeilingPerSecond: number;
  readonly seconds: number;
  /** CPU seconds the rebuild took, in this process and in the Postgres backends serving it (undefined: not on this machine). */
  readonly cpu: { readonly node: number | undefined; readonly postgres: number | undefined };
}

/**
 * The customer projection (identity + profile) rebuilding from N touchpoints in the Postgres
 * event store, against the baseline of inserting the same final rows with plain multi-row INSERTs.
 */
export async function benchProfileProjection(databaseUrl: string, touchpoints: number): Promise<ProjectionFigures> {
  const sql = createPostgresSqlClient({ connectionString: databaseUrl });
  try {
    const catalog = loadSchemaCatalog();
    const log = await createPostgresEventLog(sql);
    await migrateProjectionTables(sql);
    await (await openCustomerDataSource({ url: databaseUrl })).destroy();
    await loadLog(log, catalog, touchpoints);

    const definition = customerProjection({ catalog, eventStore: log });
    const meter = await startCpuMeter({ node: async () => [process.pid], postgres: postgresBackends(sql) });
    const { seconds } = await timed(() =>
      rebuildProjection({ definition, log, sql, onProgress: ({ processed, total }) => progress('  projecting', processed, total) }),
    );
    const cpu = await meter.stop();
    const baseline = await insertSameRows(sql);
    const projectionPerSecond = touchpoints / seconds;
    return {
      touchpoints,
      projectionPerSecond,
      baselineRowsPerSecond: baseline.rows / baseline.seconds,
      rows: baseline.rows,
      ratioToBaseline: baseline.seconds === 0 ? 0 : seconds / baseline.seconds,
      writeCeilingPerSecond: touchpoints / baseline.seconds,
      seconds,
      cpu,
    };
  } finally {
    await sql.close();
  }
}

async function loadLog(log: Awaited<ReturnType<typeof createPostgresEventLog>>, catalog: ReturnType<typeof loadSchemaCatalog>, count: number) {
  let loaded = 0;
  let batch: unknown[] = [];
  let ids = 0;
  const flush = async () => {
    const prepared = prepareTouchpoints(batch, { catalog, receivedAt: '2026-11-01T00:00:00.000Z', newEventId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`, defaultPhoneRegion: 'IR' });
    if (!prepared.ok) throw new Error(`generated touchpoints were refused: ${JSON.stringify(prepared.errors.slice(0, 3))}`);
    await log.appendMany(prepared.touchpoints.map((t) => ({ streamId: t.streamId, events: [{ eventId: t.touchpoint.eventId, type: t.touchpoint.type, data: t.touchpoint }] })));
    loaded += batch.length;
    batch = [];
    progress('  loading the log', loaded, count);
  };
  for (const body of generateDemoTouchpoints({ customers: Math.ceil(count / 6), seed: 'bench', end: '2026-11-01T00:00:00Z' })) {
    batch.push(body);
    if (loaded + batch.length >= count) break;
    if (batch.length === 1000) await flush();
  }
  await flush();
}

/** Copies every final row of the customer tables into empty twins with multi-row INSERTs of 1,000. */
async function insertSameRows(sql: SqlClient): Promise<{ rows: number; seconds: number }> {
  const tables = ['identity_customers', 'identity_owners', 'profiles', 'touchpoints'];
  await sql.query('CREATE SCHEMA IF NOT EXISTS bench_baseline');
  const contents = new Map<string, Record<string, unknown>[]>();
  for (const table of tables) {
    await sql.query(`CREATE TABLE bench_baseline.${table} (LIKE customers.${table} INCLUDING ALL)`);
    contents.set(table, (await sql.query(`SELECT * FROM customers.${table}`)).rows);
  }
  let rows = 0;
  const { seconds } = await timed(async () => {
    for (const [table, all] of contents) {
      for (let i = 0; i < all.length; i += 1000) {
        const chunk = all.slice(i, i + 1000);
        const columns = Object.keys(chunk[0]);
        const values = chunk.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
        await sql.query(`INSERT INTO bench_baseline.${table} (${columns.join(', ')}) VALUES ${values}`, chunk.flatMap((row) => columns.map((c) => encode(row[c]))));
        rows += chunk.length;
      }
    }
  });
  return { rows, seconds };
}

function encode(value: unknown): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(value) : value;
}
