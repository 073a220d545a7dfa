import { request } from 'node:http';
import { subscribeCustomers, type CustomerChange, type CustomerSubscription } from '@cdp/client';
import { comparePostgresLogOffsets } from '@cdp/event-log-postgres';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { eventually } from '../support/eventually';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

const visit = (n: number, identifiers: Record<string, string>, occurredAt: string, traits: Record<string, string> = {}) => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'visit',
  source: 'store-12',
  occurredAt,
  identifiers,
  traits,
  payload: { channel: 'store' },
});

/** Collects what a subscription hands over, and says when it holds `count` changes. */
function collector() {
  const changes: CustomerChange[] = [];
  return {
    changes,
    handler: (change: CustomerChange) => void changes.push(change),
    atLeast: (count: number) => eventually(async () => (changes.length >= count ? changes.slice() : undefined), `${count} changes (have ${changes.length})`),
  };
}

const summary = (changes: readonly CustomerChange[]) => changes.map((c) => `${c.type} ${c.customerId}@${c.version}`);
/** Lets changes that should not come have their chance to, before what came is checked. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));
/** Until each from=now subscription holds its start (the stream's first position): a change posted before would be missed, as it should. */
const opened = (...subscriptions: CustomerSubscription[]) =>
  Promise.all(subscriptions.map((subscription) => eventually(async () => subscription.lastEventId(), 'the stream to give its start position')));

describe('the change feed over server-sent events (embedded)', () => {
  let platform: PlatformUnderTest;
  const subscriptions: CustomerSubscription[] = [];
  const subscribe = (options: Omit<Parameters<typeof subscribeCustomers>[0], 'transport'>, handler: (c: CustomerChange) => void) => {
    const subscription = subscribeCustomers({ transport: { sse: { baseUrl: platform.url } }, ...options } as Parameters<typeof subscribeCustomers>[0], handler);
    subscriptions.push(subscription);
    return subscription;
  };
  const post = async (...touchpoints: object[]) => expect((await platform.post('/v1/touchpoints', { touchpoints })).status).toBe(202);
  /** Reads the stream until `until` matches what came, then hangs up. */
  const readUntil = async (query: string, until: RegExp, headers: Record<string, string> = {}) => {
    const controller = new AbortController();
    const reader = (await fetch(`${platform.url}/v1/stream/customers${query}`, { signal: controller.signal, headers })).body!.getReader();
    let text = '';
    while (!until.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before ${until}: ${text}`);
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    return text;
  };

  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { CDP_FEED_HEARTBEAT_SECONDS: '0.2', CDP_FEED_SLOW_CONSUMER_SECONDS: '1' });
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((s) => s.close()));
    await platform?.close();
  });

  it('gives a from=now subscriber of the empty feed its start as position, so a reconnect before the first change misses nothing', async () => {
    const opening = await readUntil('?from=now', /event: position\nid: \S+\n/);
    const [, position] = /event: position\nid: (\S+)\n/.exec(opening)!;
    await post(visit(9_000, { email: 'first@example.com' }, '2026-11-20T09:00:00Z'));
    const resumed = await readUntil('', /event: CustomerCreated\n/, { 'last-event-id': position });
    expect(resumed).toMatch(/event: CustomerCreated\n[^\n]*first@example\.com/);
  });

  it('gives creations, changes and merges in order, then after a reconnect with Last-Event-ID only what was missed, none twice', async () => {
    const seen = collector();
    const merges = collector();
    const first = subscribe({ from: 'now' }, seen.handler);
    await opened(first, subscribe({ from: 'now', filter: { types: ['CustomerMerged'] } }, merges.handler));

    await post(visit(1, { email: 'sara@example.com' }, '2026-11-20T10:00:00Z', { firstName: 'Sara' }));
    const [created] = await seen.atLeast(1);
    expect(created).toMatchObject({ type: 'CustomerCreated', version: 1, changedFields: [] });
    expect(created.state).toMatchObject({ version: 1, mergedInto: null, profile: { identifiers: { email: ['sara@example.com'] } }, loyalty: { available: 0, tier: 'member' } });
    const sara = created.customerId;

    await post(visit(2, { email: 'sara@example.com' }, '2026-11-20T11:00:00Z', { firstName: 'Sarah' }));
    const [, changed] = await seen.atLeast(2);
    expect(changed).toMatchObject({ type: 'ProfileChanged', customerId: sara, version: 2 });
    expect(changed.changedFields).toEqual(expect.arrayContaining(['traits.firstName', 'touchpoints', 'lastSeenAt']));

    // Seen first earlier, by phone: it survives the merge.
    await post(visit(3, { phone: '+989121234567' }, '2026-11-01T09:00:00Z'));
    const [, , phoneCreated] = await seen.atLeast(3);
    const survivor = phoneCreated.customerId;
    expect(phoneCreated).toMatchObject({ type: 'CustomerCreated', version: 1 });

    await post(visit(4, { email: 'sara@example.com', phone: '+989121234567' }, '2026-11-21T10:00:00Z'));
    const afterMerge = await seen.atLeast(5);
    await settle();
    expect(summary(seen.changes)).toEqual([`CustomerCreated ${sara}@1`, `ProfileChanged ${sara}@2`, `CustomerCreated ${survivor}@1`, `ProfileChanged ${survivor}@2`, `CustomerMerged ${sara}@3`]);
    expect(afterMerge[3].changedFields).toEqual(expect.arrayContaining(['mergedFrom', 'identifiers.email', 'traits.firstName']));
    expect(afterMerge[3].state?.profile?.mergedFrom).toEqual([sara]);
    expect(afterMerge[4]).toMatchObject({ mergedInto: survivor, state: { mergedInto: survivor, profile: null, loyalty: null } });
    expect(summary(merges.changes)).toEqual([`CustomerMerged ${sara}@3`]);

    // Disconnected, the subscriber misses two changes; resuming, it gets just those.
    const lastEventId = first.lastEventId()!;
    await first.close();
    await post(visit(5, { email: 'reza@example.com' }, '2026-11-22T10:00:00Z'), visit(6, { phone: '+989121234567' }, '2026-11-22T11:00:00Z', { city: 'Tehran' }));
    const resumed = collector();
    subscribe({ from: { lastEventId } }, resumed.handler);
    await resumed.atLeast(2);
    await settle();
    const reza = resumed.changes.find((c) => c.type === 'CustomerCreated')!.customerId;
    expect(summary(resumed.changes).sort()).toEqual([`CustomerCreated ${reza}@1`, `ProfileChanged ${survivor}@3`].sort());
  });

  it('tells of a withdrawn preference or date with a ProfileChanged that lists it, and leaves it out of the state', async () => {
    const seen = collector();
    await opened(subscribe({ from: 'now' }, seen.handler));
    const update = (n: number, occurredAt: string, payload: object) => ({
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      type: 'profile_update',
      source: 'club-signup',
      occurredAt,
      identifiers: { email: 'withdraws@example.com' },
      payload,
    });
    const ofTheCustomer = (type: string) =>
      eventually(async () => seen.changes.find((c) => c.type === type && c.state?.profile?.identifiers.email.includes('withdraws@example.com')), `its ${type}`);

    await post(update(30, '2026-11-20T10:00:00Z', { preferences: { sauce: 'no spicy sauce', table: 'window' }, importantDates: { passportExpiry: '2027-03-01' } }));
    expect(Object.keys((await ofTheCustomer('CustomerCreated')).state!.profile!.preferences)).toEqual(['sauce', 'table']);

    await post(update(31, '2026-11-21T10:00:00Z', { preferences: { sauce: null }, importantDates: { passportExpiry: null } }));
    const changed = await ofTheCustomer('ProfileChanged');
    expect(changed.changedFields).toEqual(expect.arrayContaining(['importantDates.passportExpiry', 'preferences.sauce']));
    expect(Object.keys(changed.state!.profile!.preferences)).toEqual(['table']);
    expect(changed.state!.profile!.importantDates).toEqual({});
  });

  it('sends heartbeats, and refuses a bad subscription with located errors', async () => {
    const controller = new AbortController();
    const response = await fetch(`${platform.url}/v1/stream/customers`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // Its pace, so that a client allows for it before taking a quiet stream for dead.
    expect(response.headers.get('cdp-heartbeat-seconds')).toBe(String(platform.settings.feed.heartbeatSeconds));
    const reader = response.body!.getReader();
    let text = '';
    while (!/: heartbeat \d{4}-/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    expect(text.startsWith('retry: 3000\n\n')).toBe(true);
    controller.abort();

    const refused = await platform.get('/v1/stream/customers?types=Bought&from=yesterday');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: 'FEED.INVALID_SUBSCRIPTION',
      errors: [
        { field: 'types', value: 'Bought' },
        { field: 'from', value: 'yesterday' },
      ],
    });
    expect(await platform.get('/v1/stream/customers?segment=Champs')).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'segment', value: 'Champs', message: expect.stringMatching(/^unknown RFM segment; the segments are .*Champions/) }] },
    });
    expect(await platform.get('/v1/stream/customers?lastEventId=999999999:1')).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'Last-Event-ID', value: '999999999:1', message: expect.stringMatching(/^is after the newest event of this feed/) }] },
    });
    // An id within the feed's range that names no change (position 0 of a real change's transaction): resuming there would skip changes.
    await post(visit(7, { email: 'nima@example.com' }, '2026-11-22T12:00:00Z'));
    const fromStart = new AbortController();
    const stream = (await fetch(`${platform.url}/v1/stream/customers?from=start`, { signal: fromStart.signal })).body!.getReader();
    let opening = '';
    while (!/\nid: \d+:\d+:[0-9a-f]{8}\n/.test(opening)) opening += new TextDecoder().decode((await stream.read()).value);
    fromStart.abort();
    const [, realId, position, transaction] = /\nid: (((\d+):\d+):[0-9a-f]{8})\n/.exec(opening)!;
    for (const resumable of [realId, position]) {
      const resuming = new AbortController();
      expect((await fetch(`${platform.url}/v1/stream/customers?lastEventId=${resumable}`, { signal: resuming.signal })).status).toBe(200);
      resuming.abort();
    }
    // The position of a change, with the check of another: the feed's data restored from an earlier copy gave the position to another change.
    const otherCheck = realId.endsWith('00000000') ? `${position}:ffffffff` : `${position}:00000000`;
    expect(await platform.get(`/v1/stream/customers?lastEventId=${otherCheck}`)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'Last-Event-ID', value: otherCheck, message: expect.stringMatching(/^names a change this feed does not hold \(its data was restored/) }] },
    });
    expect(await platform.get(`/v1/stream/customers?lastEventId=${transaction}:0`)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'Last-Event-ID', value: `${transaction}:0`, message: expect.stringMatching(/^names no change of this feed/) }] },
    });
  });

  it('gives a subscriber its position from the start and past changes its filter leaves out, so a reconnect before its first change misses nothing', async () => {
    const opening = await readUntil('?from=now', /event: position\nid: \S+\n/);
    const [, position] = /event: position\nid: (\S+)\n/.exec(opening)!;
    // Away before any change came: the changes meanwhile come on resuming there.
    await post(visit(8, { email: 'away@example.com' }, '2026-11-22T13:00:00Z'));
    const resumed = await readUntil('', /"type":"CustomerCreated"[^\n]*away@example\.com/, { 'last-event-id': position });
    const [, createdAt] = /id: (\S+)\nevent: CustomerCreated\n[^\n]*away@example\.com/.exec(resumed)!;

    // A merge-only subscriber is told, at a heartbeat, where the stream is past that creation.
    const filtered = await readUntil('?types=CustomerMerged', /event: position\nid: \S+\n/, { 'last-event-id': position });
    expect(filtered).not.toContain('event: CustomerCreated');
    const [, passed] = /event: position\nid: (\S+)\n/.exec(filtered)!;
    // Ids are positions with a check of the change there (feedEventId), position events' too.
    const positionOf = (id: string) => id.split(':').slice(0, 2).join(':');
    expect(passed).toMatch(/^\d+:\d+:[0-9a-f]{8}$/);
    expect(comparePostgresLogOffsets(positionOf(passed), positionOf(createdAt))).toBeGreaterThanOrEqual(0);
  });

  it('disconnects a subscriber that stops reading, with its reason, instead of buffering for it', async () => {
    // Enough changes to fill the socket's buffers, kernel's included, while the subscriber reads nothing.
    const customers = Array.from({ length: 2_000 }, (_, i) => visit(10_000 + i, { email: `bulk-${i}@example.com` }, '2026-11-22T12:00:00Z', { note: 'x'.repeat(8_000) }));
    // The earlier tests' subscribers would read the bulk too, and could be the slow consumer the metric counts.
    await Promise.all(subscriptions.splice(0).map((s) => s.close()));
    const metric = async (name: string) => Number(new RegExp(`${name} (\\d+)`).exec((await platform.get('/metrics')).body)?.[1] ?? 0);
    const checked = () => metric('cdp_feed_customers_checked_total');
    const slowBefore = await metric('cdp_feed_sse_slow_consumers_total');
    const checkedBefore = await checked();
    for (let i = 0; i < customers.length; i += 250) await post(...customers.slice(i, i + 250));
    // Once the feed has checked them all, a reader from the start has megabytes waiting at once, however loaded the machine.
    await eventually(async () => ((await checked()) >= checkedBefore + customers.length ? true : undefined), 'the feed to check the bulk customers', 200_000);

    let tail = '';
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(`${platform.url}/v1/stream/customers?from=start`, (response) => {
        response.pause();
        resolve(response);
      });
      req.on('error', reject);
      req.end();
    });
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      // Cut off before the reason was read: the tail then lacks it, and the assertion says so.
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    await eventually(async () => ((await metric('cdp_feed_sse_slow_consumers_total')) > slowBefore ? true : undefined), 'the platform to give up on the subscriber', 60_000);
    stream.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2_000)));
    stream.resume();
    await ended;
    expect(tail).toMatch(/event: disconnect\ndata: \{"code":"FEED.SLOW_CONSUMER","reason":"the subscriber read nothing for 1 s/);
  }, 300_000);

  it('gives a subscriber from the start every change once, as it catches up on its own and then follows the live changes', async () => {
    // The earlier tests left more changes in the log than the process's shared reader keeps (2,000).
    const all = collector();
    subscribe({ from: 'start' }, all.handler);
    await eventually(async () => (all.changes.length >= 2_000 ? true : undefined), 'the subscriber to read the log', 120_000);
    await post(visit(20_000, { email: 'late@example.com' }, '2026-11-23T12:00:00Z'));
    const late = await eventually(async () => all.changes.find((c) => c.type === 'CustomerCreated' && c.state?.profile?.identifiers?.email?.[0] === 'late@example.com'), 'the new customer');
    await settle();

    const versions = new Map<string, number[]>();
    for (const change of all.changes) versions.set(change.customerId, [...(versions.get(change.customerId) ?? []), change.version]);
    expect([...versions.values()].filter((seen) => seen.some((version, i) => version !== i + 1))).toEqual([]);
    expect(versions.get(late.customerId)).toEqual([1]);
    expect(all.changes.length).toBeGreaterThan(2_005);
  }, 180_000);
});
