import { randomUUID } from 'node:crypto';
import { createClickHouseServerClient, sqlIdentifier } from '@cdp/clickhouse';
import { testClickHouseUrl } from '@cdp/clickhouse/testing';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { machine, progress, quick, runBenchmark } from './bench-support';
import { benchRfm } from './rfm.bench';

/**
 * The RFM benchmark alone: `node -r ./tools/register.js bench/rfm.run.ts [--quick]`, against the
 * ClickHouse server and Postgres of infra/local, in databases of its own that it drops at the end.
 * Prints the figures.
 */
async function main() {
  const size = quick ? { customers: 100_000, purchases: 1_000_000 } : { customers: 1_000_000, purchases: 10_000_000 };
  console.log(`RFM benchmark (${quick ? 'quick' : 'full'}), ${size.customers.toLocaleString('en')} customers, ${size.purchases.toLocaleString('en')} purchases, on ${machine()}`);
  const clickhouse = await createClickHouseServerClient({ url: process.env.CLICKHOUSE_URL ?? testClickHouseUrl(), database: `cdp_bench_${randomUUID().slice(0, 8)}` });
  const databaseUrl = process.env.DATABASE_URL ?? testDatabaseUrl();
  const figures = await benchRfm(clickhouse, { ...size, databaseUrl, onProgress: (phase, done, total) => progress(`  ${phase}`, done, total) }).finally(async () => {
    await clickhouse.command(`DROP DATABASE IF EXISTS ${sqlIdentifier(clickhouse.database)}`);
    await clickhouse.close();
  });
  const seconds = (value: number) => `${value.toFixed(2)} s`;
  console.table({
    'whole run': seconds(figures.seconds),
    'query (measures and cuts)': seconds(figures.querySeconds),
    'snapshot (scores and insert)': seconds(figures.snapshotSeconds),
    'baseline: count and sum by customer key': seconds(figures.baselineSeconds),
    'run / baseline': `${(figures.seconds / figures.baselineSeconds).toFixed(1)}× (medians)`,
    ...Object.fromEntries(figures.samples.map((sample, index) => [`sample ${index + 1}: run, baseline`, `${seconds(sample.seconds)}, ${seconds(sample.baselineSeconds)}`])),
    ...Object.fromEntries(
      figures.wholeRuns.map((run, index) => [`as the API runs it, run ${index + 1} (${run.segmentChanges.toLocaleString('en')} segment changes)`, `${seconds(run.seconds)}, resident memory at most ${Math.round(run.rssPeakMiB)} MiB (${Math.round(run.rssAtStartMiB)} MiB at its start)`]),
    ),
  });
}

runBenchmark('the RFM benchmark', main);
