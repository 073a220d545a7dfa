import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createClickHouseServerClient, sqlIdentifier } from '@cdp/clickhouse';
import { testClickHouseUrl } from '@cdp/clickhouse/testing';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { machine, progress, quick, scratchDatabase } from './bench-support';
import { benchRedemptions, type RedemptionFigures } from './loyalty-redemptions.bench';
import { benchProfileProjection, type ProjectionFigures } from './profile-projection.bench';
import { benchRfm, type RfmFigures } from './rfm.bench';

const TARGET_EVENTS_PER_SECOND = 25_000;
const TARGET_RFM_SECONDS = 2;

/** `npm run bench [-- --quick]`: runs every benchmark against the servers of infra/local and rewrites docs/benchmarks.md. */
async function main() {
  const touchpoints = quick ? 20_000 : 200_000;
  const rfmSize = quick ? { customers: 100_000, purchases: 1_000_000 } : { customers: 1_000_000, purchases: 10_000_000 };
  console.log(`Benchmarks (${quick ? 'quick' : 'full'}) on ${machine()}`);

  console.log(`Profile projection: rebuilding from ${touchpoints.toLocaleString('en')} touchpoints in Postgres`);
  const database = await scratchDatabase(process.env.DATABASE_URL ?? testDatabaseUrl());
  const projection = await benchProfileProjection(database.url, touchpoints).finally(() => database.drop());

  const redemptionCount = quick ? 1_000 : 5_000;
  console.log(`Loyalty: ${redemptionCount.toLocaleString('en')} redemption commands against the Postgres event store`);
  const loyaltyDatabase = await scratchDatabase(process.env.DATABASE_URL ?? testDatabaseUrl());
  const redemptions = await benchRedemptions(loyaltyDatabase.url, redemptionCount).finally(() => loyaltyDatabase.drop());

  console.log(`RFM: ${rfmSize.customers.toLocaleString('en')} customers, ${rfmSize.purchases.toLocaleString('en')} purchases in ClickHouse`);
  const clickhouse = await createClickHouseServerClient({ url: process.env.CLICKHOUSE_URL ?? testClickHouseUrl(), database: `cdp_bench_${randomUUID().slice(0, 8)}` });
  const rfm = await benchRfm(clickhouse, { ...rfmSize, onProgress: (phase, done, total) => progress(`  ${phase}`, done, total) }).finally(async () => {
    await clickhouse.command(`DROP DATABASE IF EXISTS ${sqlIdentifier(clickhouse.database)}`);
    await clickhouse.close();
  });

  const rows = [
    ['Profile projection (identity + profile), rebuild on Postgres', `${Math.round(projection.projectionPerSecond).toLocaleString('en')} touchpoints/s`,
      `multi-row INSERT of the same ${projection.rows.toLocaleString('en')} final rows: ${Math.round(projection.baselineRowsPerSecond).toLocaleString('en')} rows/s`,
      `takes ${projection.ratioToBaseline.toFixed(1)}× the baseline's time`],
    [`RFM run, ${rfm.customers.toLocaleString('en')} customers, ${rfm.purchases.toLocaleString('en')} purchases, ClickHouse 18.16`, `${rfm.seconds.toFixed(2)} s`,
      `count and sum of the purchases by customer key: ${rfm.baselineSeconds.toFixed(2)} s`, `takes ${(rfm.seconds / rfm.baselineSeconds).toFixed(1)}× the baseline's time`],
    ...redemptions.runs.map(({ concurrency, perSecond, baselinePerSecond }) => [
      `Loyalty redemption commands, concurrency ${concurrency}, distinct accounts, Postgres event store`, `${Math.round(perSecond).toLocaleString('en')} redemptions/s`,
      `one append per command, no read, no check: ${Math.round(baselinePerSecond).toLocaleString('en')} appends/s`, `${(perSecond / baselinePerSecond).toFixed(2)}× the baseline's rate`,
    ]),
  ];
  console.table(rows.map(([what, figure, baseline, ratio]) => ({ what, figure, baseline, ratio })));
  writeFileSync(join(__dirname, '../docs/benchmarks.md'), report(rows, projection, touchpoints, rfm, redemptions));
  console.log('wrote docs/benchmarks.md');
}

function report(rows: string[][], projection: ProjectionFigures, touchpoints: number, rfm: RfmFigures, redemptions: RedemptionFigures): string {
  const perSecond = projection.projectionPerSecond;
  const projectionVerdict = perSecond >= TARGET_EVENTS_PER_SECOND ? 'Met.' : `**Missed**: ${Math.round(perSecond).toLocaleString('en')}/s is ${Math.round((100 * perSecond) / TARGET_EVENTS_PER_SECOND)}% of the target.`;
  const rfmVerdict = rfm.seconds <= TARGET_RFM_SECONDS ? `Met: ${rfm.seconds.toFixed(2)} s.` : `**Missed**: ${rfm.seconds.toFixed(2)} s.`;
  return `# Benchmarks

Measured by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}, ${machine()},
against the servers of infra/local. Every figure comes with a baseline measured in the same run; on
a shared, noisy machine the ratio means more than the absolute number.

| what | figure | baseline (same run) | ratio |
|---|---|---|---|
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

## Profile projection

The customer projection (identity resolution, then the unified profile, written with the
checkpoint in one transaction per batch of 5,000) rebuilding from ${touchpoints.toLocaleString('en')} generated touchpoints
(\`libs/demo-data\`) already in the Postgres event store. The baseline inserts the same final
rows of the customer tables into empty twins with multi-row INSERTs of 1,000 rows; the ratio is
how many times longer the projection took than writing its result.

Target: at least 25,000 touchpoints/s on this 2-core machine. ${projectionVerdict}
Writing the final rows just once, with multi-row INSERTs, corresponds to
${Math.round(projection.writeCeilingPerSecond).toLocaleString('en')} touchpoints/s here.

Where the time goes, per 20,000 touchpoints (the quick mode timed by phase, 2026-11-23): deciding
identity about 0.2 s of Node; folding the profiles about 0.3 to 0.45 s of Node, while Postgres
writes the timeline (about 0.3 s, sent before the fold so that both run at once); writing the
profiles about 0.15 s, the identity graph about 0.1 s, loading slices and profiles about 0.1 s.
What is left to win: the profile is still rewritten whole, as JSONB, per customer per batch; the
timeline keeps each touchpoint's JSON, which Postgres parses again (about 0.1 s of the timeline's
0.3 s); and the identity decider and the profile rules allocate a new object per step. Reproduce
the profile with \`node --cpu-prof -r ./tools/register.js bench/run-benchmarks.ts --quick\` and
open the .cpuprofile in Chrome DevTools.

## RFM

The RFM run of \`libs/analytics\` (docs/analytics.md) as of ${'2026-11-01'}, window 365 days, over
${rfm.purchases.toLocaleString('en')} purchases of ${rfm.customers.toLocaleString('en')} customers generated straight into ClickHouse 18.16
(\`INSERT … SELECT\` from \`numbers()\`; two years, about 5% refunded, 2% in another currency, 0.5%
without an identifier, 1% of the customers merged into another), from the raw rows to the run's
rows in \`rfm_snapshots\`: identity resolved through \`identity_map\`, measures, the three ranks
with ties, FM and the segment. The baseline is the least any RFM must do: count and sum the
purchases by customer key.

Target: at most 2 s for the RFM query on this machine. ${rfmVerdict}

Where the time goes at full size (each step timed alone, best of several runs): totalling
purchases and refunds per customer key and joining the keys to the identity map, about 2.1 s;
grouping per customer, about 0.6 s; the score cuts, about 0.4 s; writing the million rows of
\`rfm_snapshots\` in its order, about 0.8 s. Grouping on the text key alone already costs about
1.4 s here, so the layout has to change to reach 2 s: a UInt64 hash of the customer key in the
tables and the identity map (grouping on it took 0.55× the time of the text key in a trial), and
a cheaper order for \`rfm_snapshots\`.

## Loyalty redemptions

Redemption commands as \`POST /v1/customers/{id}/loyalty/redemptions\` runs them, without HTTP:
load the account's stream from the Postgres event store, decide (expire what is due, check the
balance, consume lots oldest first), append expecting the version that was loaded, and decide
again when another append won the race. ${redemptions.redemptions.toLocaleString('en')} redemptions of 1 point, spread over
${(500).toLocaleString('en')} accounts (concurrency 1 runs a fifth as many); the pool has the platform's default 10
connections. The baseline appends one event per command to the same streams with no read and
no version check: what any event-sourced redemption must at least do.

With 50 redemptions at once on one account, a process decides for the account one command at a
time (racing would only make the losers decide again), and between processes the expected
version settles the race: ${Math.round(redemptions.oneAccountPerSecond).toLocaleString('en')} redemptions/s here. None is ever accepted without the
points to cover it (tests/loyalty proves it at 50 at once, embedded and on the servers). A process
keeps its 10,000 most recently used accounts folded and reads only the events appended since; an
account it has not seen lately is read whole, so the first decision on a long history costs more.
`;
}

main().catch((error) => {
  console.error(`benchmark failed: ${(error as Error).message}. Are the servers up? Run bash infra/local/up.sh`);
  process.exit(1);
});
