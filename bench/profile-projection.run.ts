import { testDatabaseUrl } from '@cdp/sql/testing';
import { machine, quick, runBenchmark, scratchDatabase } from './bench-support';
import { benchProfileProjection } from './profile-projection.bench';

/**
 * The profile projection benchmark alone: `node -r ./tools/register.js bench/profile-projection.run.ts [--quick]`.
 * Profile its hot path with `node --cpu-prof --cpu-prof-dir=/tmp/prof -r ./tools/register.js bench/profile-projection.run.ts --quick`.
 */
async function main() {
  const touchpoints = quick ? 20_000 : 100_000;
  console.log(`Profile projection benchmark (${quick ? 'quick' : 'full'}), ${touchpoints.toLocaleString('en')} touchpoints, on ${machine()}`);
  const database = await scratchDatabase(process.env.DATABASE_URL ?? testDatabaseUrl());
  const figures = await benchProfileProjection(database.url, touchpoints).finally(() => database.drop());
  console.log(JSON.stringify(figures, null, 2));
}

runBenchmark('the profile projection benchmark', main);
