import { argument, machine, quick, runBenchmark } from './bench-support';
import { benchIngestion, ingestionRows, ingestionSection, isIngestionMode } from './ingestion.bench';

/**
 * The ingestion benchmark alone: `node -r ./tools/register.js bench/ingestion.run.ts [--quick]
 * [--mode=servers|embedded] [--section]`. Prints the figures, and the docs section with --section.
 * Profile its hot path with `node --cpu-prof --cpu-prof-dir=/tmp/prof -r ./tools/register.js bench/ingestion.run.ts --quick --mode=servers`.
 */
async function main() {
  // The suite's sizes, so that a section run alone gives figures comparable with docs/benchmarks.md.
  const touchpoints = quick ? 10_000 : 50_000;
  const mode = argument('mode');
  if (mode !== undefined && !isIngestionMode(mode)) throw new Error(`--mode=${mode}: use --mode=servers or --mode=embedded, or leave it out for both`);
  console.log(`Ingestion benchmark (${quick ? 'quick' : 'full'}), ${touchpoints.toLocaleString('en')} touchpoints, on ${machine()}`);
  const figures = await benchIngestion({ touchpoints, modes: mode ? [mode] : undefined });
  console.table(ingestionRows(figures).map(([what, figure, baseline, ratio]) => ({ what, figure, baseline, ratio })));
  console.log(`took ${figures.wallSeconds.toFixed(1)} s`);
  if (process.argv.includes('--section')) console.log(ingestionSection(figures));
}

runBenchmark('the ingestion benchmark', main);
