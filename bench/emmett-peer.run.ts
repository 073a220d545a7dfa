import { testDatabaseUrl } from '@cdp/sql/testing';
import { machine, quick, runBenchmark, timed } from './bench-support';
import { benchEmmettPeer, peerRows, peerSection } from './emmett-peer.bench';

/** `node -r ./tools/register.js bench/emmett-peer.run.ts [--quick]`: our event store against Emmett's, printed. */
async function main() {
  const size = quick ? { streams: 2_000, eventsPerStream: 5 } : { streams: 20_000, eventsPerStream: 10 };
  console.log(`Peer benchmark (${quick ? 'quick' : 'full'}) on ${machine()}`);
  console.log(`Our Postgres event store against Emmett's: ${size.streams.toLocaleString('en')} streams × ${size.eventsPerStream} touchpoints`);
  const { result: figures, seconds } = await timed(() => benchEmmettPeer({ databaseUrl: process.env.DATABASE_URL ?? testDatabaseUrl(), ...size }));
  console.table(peerRows(figures).map(([what, figure, baseline, ratio]) => ({ what, figure, baseline, ratio })));
  console.log(`\n${peerSection(figures)}`);
  console.log(`took ${seconds.toFixed(1)} s`);
}

runBenchmark('the peer benchmark', main);
