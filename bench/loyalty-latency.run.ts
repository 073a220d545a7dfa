import { generateDemoTouchpoints, type DemoTouchpoint } from '@cdp/demo-data';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { isolatedServers } from '../tests/support/isolated-servers';
import { startPlatformUnderTest, type PlatformUnderTest } from '../tests/support/platform-under-test';
import { argument, machine, progress, runBenchmark } from './bench-support';
import { removeIfInterrupted } from './interruptions';

const PURCHASES = 40;
const GIVE_UP_MS = 30_000;

/**
 * How soon a purchase's points reach its customer's loyalty ledger:
 * `node -r ./tools/register.js bench/loyalty-latency.run.ts [--mode=servers|embedded]`. Posts the
 * first purchases of 40 demo customers one after another to a platform started in this process
 * (servers mode against infra/local, in a Kafka namespace and databases of its own), and times each
 * from its 202 until `GET /v1/customers/{id}/loyalty/ledger` lists an entry. The path crosses two
 * projections, `customers` (which places the purchase on its customer) and `loyalty_earning`
 * (which waits for that, then sends it to the account), and then `loyalty`.
 */
async function main() {
  const mode = argument('mode') === 'embedded' ? 'embedded' : 'servers';
  console.log(`Loyalty latency, ${PURCHASES} purchases one after another, ${mode} mode, on ${machine()}`);
  const servers = mode === 'servers' ? await isolatedServers() : undefined;
  const platform = await startPlatformUnderTest(mode, PLATFORM_FEATURES, servers?.env ?? {});
  const forget = removeIfInterrupted(async () => (await platform.close(), await servers?.drop()));
  try {
    const latencies: number[] = [];
    for (const purchase of firstPurchases(PURCHASES)) {
      const posted = await platform.post('/v1/touchpoints', purchase);
      const acceptedAt = performance.now();
      if (posted.status !== 202) throw new Error(`POST /v1/touchpoints answered ${posted.status}: ${JSON.stringify(posted.body).slice(0, 300)}`);
      // The purchase starts its customer, whose id derives from the purchase's event id.
      const customerId = `cus_${String(posted.body.touchpoints[0].eventId).replace(/-/g, '')}`;
      while (!(await hasLedgerEntry(platform, customerId))) {
        if (performance.now() - acceptedAt > GIVE_UP_MS) throw new Error(`${customerId} had no ledger entry ${GIVE_UP_MS} ms after its purchase`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      latencies.push(performance.now() - acceptedAt);
      progress('  purchases', latencies.length, PURCHASES);
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => `${Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))])} ms`;
    console.log(`202 → ledger entry: p50 ${at(0.5)}, p90 ${at(0.9)}, max ${at(1)}`);
  } finally {
    await platform.close();
    await servers?.drop();
    forget();
  }
}

/** The first purchase of each demo customer, until `count`: each starts a customer of its own. */
function firstPurchases(count: number): DemoTouchpoint[] {
  const seen = new Set<string>();
  const purchases: DemoTouchpoint[] = [];
  for (const touchpoint of generateDemoTouchpoints({ customers: count * 10, seed: 'loyalty-latency', end: '2026-11-01T00:00:00Z' })) {
    const customer = JSON.stringify(touchpoint.identifiers);
    if (touchpoint.type !== 'purchase' || seen.has(customer)) continue;
    seen.add(customer);
    purchases.push(touchpoint);
    if (purchases.length === count) break;
  }
  return purchases;
}

async function hasLedgerEntry(platform: PlatformUnderTest, customerId: string): Promise<boolean> {
  const { status, body } = await platform.get(`/v1/customers/${customerId}/loyalty/ledger`);
  return status === 200 && body.entries.length > 0;
}

runBenchmark('the loyalty latency benchmark', main);
