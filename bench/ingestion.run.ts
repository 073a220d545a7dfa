import { machine, quick } from './bench-support';
import { benchIngestion, ingestionRows, ingestionSection, type IngestionMode } from './ingestion.bench';

/**
 * The ingestion benchmark alone: `node -r ./tools/register.js bench/ingestion.run.ts [--quick]
 * [--mode=servers|embedded] [--section]`. Prints the figures, and the docs section with --section.
 * Profile its hot path with `node --cpu-prof -r ./tools/register.js bench/ingestion.run.ts --quick --mode=servers`.
 */
async function main() {
  const touchpoints = quick ? 10_000 : 100_000;
  const mode = process.argv.find((arg) => arg.startsWith('--mode='))?.slice('--mode='.length) as IngestionMode | undefined;
  console.log(`Ingestion benchmark (${quick ? 'quick' : 'full'}), ${touchpoints.toLocaleString('en')} touchpoints, on ${machine()}`);
  const figures = await benchIngestion({ touchpoints, modes: mode ? [mode] : undefined });
  console.table(ingestionRows(figures).map(([what, figure, baseline, ratio]) => ({ what, figure, baseline, ratio })));
  console.log(`took ${figures.wallSeconds.toFixed(1)} s`);
  if (process.argv.includes('--section')) console.log(ingestionSection(figures));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`ingestion benchmark failed: ${(error as Error).stack}. Are the servers up? Run bash infra/local/up.sh`);
    process.exit(1);
  },
);
