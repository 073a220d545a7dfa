import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscribeCustomers, type CustomerChange } from '@cdp/client';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { readSettings, startHttpProcess, type RunningProcess } from '@cdp/platform-runtime';
import { eventually } from '../support/eventually';

const DAY_MS = 86_400_000;

const visit = (n: number, email: string, firstName: string) => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'visit',
  source: 'store-12',
  occurredAt: `2026-11-2${n}T10:00:00Z`,
  identifiers: { email },
  traits: { firstName },
  payload: { channel: 'store' },
});

const described = (c: CustomerChange) => `${c.type} ${c.state?.profile?.traits.firstName?.value}@${c.version}`;

/** Every change a subscriber from the start gets, once nothing more comes for a second; `ids` gets their event ids. */
async function everythingFromTheStart(running: RunningProcess, atLeast: number, ids = new Map<string, string>()): Promise<string[]> {
  const changes: CustomerChange[] = [];
  const subscription = subscribeCustomers({ transport: { sse: { baseUrl: running.url } }, from: 'start' }, (change, { id }) => {
    changes.push(change);
    ids.set(described(change), id);
  });
  try {
    await eventually(async () => (changes.length >= atLeast ? true : undefined), `${atLeast} changes (have ${changes.length})`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return changes.map(described).sort();
  } finally {
    await subscription.close();
  }
}

/** The codes of the errors a subscriber resuming after `lastEventId` is told of: once `expected` have come, and a second more for any other. */
async function errorsResumingAfter(running: RunningProcess, lastEventId: string, expected: number): Promise<string[]> {
  const errors: string[] = [];
  const subscription = subscribeCustomers(
    { transport: { sse: { baseUrl: running.url } }, from: { lastEventId }, onError: (error) => errors.push((error as { code?: string }).code ?? String(error)) },
    () => undefined,
  );
  try {
    await eventually(async () => (errors.length >= expected ? true : undefined), `${expected} errors (have ${errors.length})`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return errors;
  } finally {
    await subscription.close();
  }
}

describe("the feed's log keeps CDP_FEED_RETENTION_DAYS of changes and every customer's latest (embedded)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdp-test-'));
  let now = new Date();
  const clock = { now: () => now };
  const settings = readSettings({ ...process.env, CDP_MODE: 'embedded', PORT: '0', CDP_DATA_DIR: dataDir, CDP_FEED_RETENTION_DAYS: '7' });
  let running: RunningProcess | undefined;

  afterAll(async () => {
    await running?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prunes older changes as the projector starts, and a subscriber from the start still gets every customer', async () => {
    running = await startHttpProcess(settings, PLATFORM_FEATURES, clock);
    const post = async (touchpoint: object) => expect((await fetch(`${running!.url}/v1/touchpoints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ touchpoints: [touchpoint] }) })).status).toBe(202);
    await post(visit(4, 'nima@example.com', 'Nima'));
    await everythingFromTheStart(running, 1);
    await post(visit(1, 'sara@example.com', 'Sara'));
    await everythingFromTheStart(running, 2);
    await post(visit(2, 'sara@example.com', 'Sarah'));
    await post(visit(3, 'omid@example.com', 'Omid'));
    const ids = new Map<string, string>();
    expect(await everythingFromTheStart(running, 4, ids)).toEqual(['CustomerCreated Nima@1', 'CustomerCreated Omid@1', 'CustomerCreated Sara@1', 'ProfileChanged Sarah@2']);
    expect(await errorsResumingAfter(running, ids.get('CustomerCreated Nima@1')!, 0)).toEqual([]);
    await running.close();

    now = new Date(now.getTime() + 8 * DAY_MS);
    running = await startHttpProcess(settings, PLATFORM_FEATURES, clock);
    // The projector prunes as it starts, beside serving: once it says it has pruned one change.
    const restarted = running;
    await eventually(async () => (/^cdp_feed_log_pruned_total 1$/m.test(await (await fetch(`${restarted.url}/metrics`)).text()) ? true : undefined), 'the prune at start');

    expect(await everythingFromTheStart(running, 3)).toEqual(['CustomerCreated Nima@1', 'CustomerCreated Omid@1', 'ProfileChanged Sarah@2']);
    // Sara's CustomerCreated is gone: a subscriber that had handled only Nima's change missed it and is told so; one that had handled Sara's is not.
    expect(await errorsResumingAfter(running, ids.get('CustomerCreated Nima@1')!, 1)).toEqual(['FEED.CHANGES_PRUNED']);
    expect(await errorsResumingAfter(running, ids.get('CustomerCreated Sara@1')!, 0)).toEqual([]);
  });
});
