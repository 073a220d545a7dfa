import { testClickHouseUrl } from '@cdp/clickhouse/testing';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { argument, machine, quick, runBenchmark } from './bench-support';
import { allProjectionsRows, allProjectionsSection, benchAllProjections, ALL_PROJECTIONS_SIZES } from './all-projections.bench';

/**
 * `node -r ./tools/register.js bench/all-projections.run.ts [--quick] [--touchpoints=N] [--rss-checkpoints=N,N] [--cpu-prof-dir=DIR]`:
 * the all-projections benchmark alone, against the servers of infra/local; prints its table rows and
 * its section of docs/benchmarks.md (it writes no file).
 */
async function main() {
  const size = quick ? ALL_PROJECTIONS_SIZES.quick : ALL_PROJECTIONS_SIZES.full;
  const touchpoints = Number(argument('touchpoints') ?? size.touchpoints);
  console.log(`All projections (${quick ? 'quick' : 'full'}), ${touchpoints.toLocaleString('en')} touchpoints, on ${machine()}`);
  const figures = await benchAllProjections({
    databaseUrl: process.env.DATABASE_URL ?? testDatabaseUrl(),
    clickhouseUrl: process.env.CLICKHOUSE_URL ?? testClickHouseUrl(),
    touchpoints,
    rssCheckpoints: argument('rss-checkpoints')?.split(',').map(Number) ?? size.rssCheckpoints,
    cpuProfileDir: argument('cpu-prof-dir'),
  });
  console.table(allProjectionsRows(figures).map(([what, figure, baseline, ratio]) => ({ what, figure, baseline, ratio })));
  console.log(allProjectionsSection(figures));
  console.log(JSON.stringify(figures, null, 2));
}

runBenchmark('the all-projections benchmark', main);
