import { argument, machine, quick, runBenchmark } from './bench-support';
import { benchFeedFreshness, describeLatencies, suiteFreshnessOptions } from './feed-freshness.bench';

/**
 * The feed freshness benchmark alone, with the options `npm run bench` gives it:
 * `node -r ./tools/register.js bench/feed-freshness.run.ts [--quick] [--rates=1000,5000] [--processes=one|apps] [--cpu-prof-dir=DIR]`.
 * Prints the figures of each rate; with --cpu-prof-dir the platform process writes its CPU profile there.
 */
async function main() {
  const rates = argument('rates')?.split(',').map(Number);
  const options = { ...suiteFreshnessOptions(quick), ...(rates ? { rates } : {}), processes: argument('processes') === 'apps' ? ('apps' as const) : ('one' as const), cpuProfileDir: argument('cpu-prof-dir') };
  console.log(`Feed freshness benchmark (${quick ? 'quick' : 'full'}), ${options.seconds} s at ${options.rates.map((r) => r.toLocaleString('en')).join(' and at ')} touchpoints/s, on ${machine()}`);
  const figures = await benchFeedFreshness(options);
  console.table(
    figures.runs.map((run) => ({
      rate: run.rate,
      'ingested/s': Math.round(run.acceptedPerSecond),
      'delivered/s': Math.round(run.deliveredPerSecond),
      changedAt: describeLatencies(run.recorded),
      sse: describeLatencies(run.sse),
      kafka: describeLatencies(run.kafka),
      'raw kafka': describeLatencies(run.baseline),
    })),
  );
  console.log(`took ${figures.wallSeconds.toFixed(1)} s`);
}

runBenchmark('the feed freshness benchmark', main);
