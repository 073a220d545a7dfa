import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { generateDemoTouchpoints } from '@cdp/demo-data';
import { loadSchemaCatalog } from '@cdp/events';
import { createCustomerFeedCodec, type CustomerFeedState } from '@cdp/feed';
import { customerIdFor } from '@cdp/identity';
import { DEFAULT_LOYALTY_PROGRAM, MAX_LOYALTY_PROGRAM_DAYS } from '@cdp/loyalty';
import { postAll, projectionStatus, rebuildAndWait, waitUntilCaughtUp, waitUntilLoyaltySettled } from '../support/admin-client';
import { eventually } from '../support/eventually';
import { readTopicToEnd, versionProblems, waitUntilFeedPublished, type FeedRecord, type VersionedRecord } from '../support/feed-kafka';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformProcess } from '../support/platform-process';

const codec = createCustomerFeedCodec(loadSchemaCatalog());
const topicsOf = (env: Record<string, string>) => ({
  profiles: `${env.CDP_KAFKA_NAMESPACE}.customer-profiles.v1`,
  events: `${env.CDP_KAFKA_NAMESPACE}.customer-events.v1`,
});
const json = async (url: string) => {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  // Parsed here, not by fetch: objects of this realm, comparable with isDeepStrictEqual.
  return JSON.parse(await response.text()) as Record<string, unknown>;
};

/** A decoded Avro value as plain JSON data, as the API's body is. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** Where two JSON values differ: "path: feed → api" lines, [] when they are equal. */
function differences(feed: unknown, api: unknown, path = ''): string[] {
  if (isDeepStrictEqual(feed, api)) return [];
  if (typeof feed !== 'object' || typeof api !== 'object' || feed === null || api === null || Array.isArray(feed) !== Array.isArray(api)) {
    return [`${path || '.'}: ${JSON.stringify(feed)} → ${JSON.stringify(api)}`];
  }
  const a = feed as Record<string, unknown>;
  const b = api as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((key) => differences(a[key], b[key], `${path}.${key}`));
}

/** Runs `work` on every item, `concurrency` at a time, and returns the results in order. */
async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]);
      }
    }),
  );
  return results;
}

/** The version of each customer the feed has published: customer_feed.customers. */
async function publishedVersions(db: Client): Promise<Map<string, number>> {
  const { rows } = await db.query<{ customer_id: string; version: number }>(`SELECT customer_id, version FROM customer_feed.customers`);
  return new Map(rows.map((r) => [r.customer_id, r.version]));
}

/** A profiles-topic message as a versioned record: the version and event id are in the headers (a tombstone has no value). */
function profileRecord(r: FeedRecord): VersionedRecord {
  const state = r.value === null ? null : codec.decodeState(r.value);
  const version = Number(r.headers['cdp-version']);
  if (state !== null && state.version !== version) throw new Error(`${r.partition}@${r.offset}: header cdp-version ${version}, state version ${state.version}`);
  return { partition: r.partition, offset: r.offset, key: r.key, customerId: state?.customerId ?? r.key, version, eventId: r.headers['cdp-event-id'] };
}

function changeRecord(r: FeedRecord): VersionedRecord {
  const change = codec.decodeChange(r.value!);
  if (String(change.version) !== r.headers['cdp-version'] || change.eventId !== r.headers['cdp-event-id']) {
    throw new Error(`${r.partition}@${r.offset}: headers ${JSON.stringify(r.headers)} disagree with the change ${change.eventId} v${change.version}`);
  }
  return { partition: r.partition, offset: r.offset, key: r.key, customerId: change.customerId, version: change.version, eventId: change.eventId };
}

const chainEventId = (n: number) => `00000000-0000-4000-8000-0000000c4a${String(n).padStart(2, '0')}`;
const chainVisit = (n: number, identifiers: Record<string, string>, occurredAt: string) => ({
  eventId: chainEventId(n),
  type: 'visit',
  source: 'store-12',
  occurredAt,
  identifiers,
  payload: { channel: 'store' },
});

// The two end-to-end tests run side by side: the crash test spends half its time waiting for Kafka to
// notice the killed process's consumers are gone (their session timeout), which the other uses.
describe('the customer feed on Kafka (servers: Kafka + Postgres)', () => {
  it.concurrent('a consumer of the compacted profiles topic, started after 1,000 customers exist, rebuilds the profiles the query API answers', async () => {
    const started = Date.now();
    const mark = (what: string) => console.log(`profiles: ${what} after ${Date.now() - started} ms`);
    const servers = await isolatedServers();
    // The feed's states are the customers' as it built them, the API's as of each request; the loyalty summary
    // (points, tier) is the one part that moves with the clock alone, as lots expire and purchases leave the tier
    // window. With the shipped program's rules but a lot's life and the window as long as a program allows, and no
    // expiry round, it stands still, so the two must be equal whatever the day the test runs.
    const programDir = mkdtempSync(join(tmpdir(), 'cdp-feed-program-'));
    const program = join(programDir, 'loyalty-program.json');
    writeFileSync(program, JSON.stringify({ ...DEFAULT_LOYALTY_PROGRAM, tierWindowDays: MAX_LOYALTY_PROGRAM_DAYS, expiryDays: MAX_LOYALTY_PROGRAM_DAYS }));
    const env = { ...servers.env, CDP_MODE: 'servers', CDP_LOYALTY_PROGRAM: program, CDP_LOYALTY_EXPIRY_EVERY_SECONDS: '0' };
    const topics = topicsOf(env);
    const db = new Client({ connectionString: servers.env.DATABASE_URL });
    try {
      // 1,000 customers over one year (~9,500 touchpoints): a fifth or more of them come in fragments that a later
      // touchpoint bridges, so customers merge.
      const bodies = [...generateDemoTouchpoints({ customers: 1000, seed: 'feed-kafka-profiles', start: '2025-11-01T00:00:00Z', end: '2026-11-01T00:00:00Z' })];
      // And a merge of a merge, with the feed publishing in between (the demo gives one only when timing allows): M
      // merges into B, then B into S (the earliest seen survives). Each bridge is posted once the projection has the
      // touchpoints before it: touchpoints of one request can be read from Kafka's partitions in another order.
      const [chainS, chainB, chainM] = [1, 2, 3].map((n) => customerIdFor(chainEventId(n)));
      const chain = [
        chainVisit(1, { phone: '+989121110001' }, '2026-10-01T10:00:00Z'),
        chainVisit(2, { email: 'chain.b@example.com' }, '2026-10-02T10:00:00Z'),
        chainVisit(3, { deviceId: 'dev-chain-m' }, '2026-10-03T10:00:00Z'),
      ];
      const mergeMIntoB = chainVisit(4, { email: 'chain.b@example.com', deviceId: 'dev-chain-m' }, '2026-10-04T10:00:00Z');
      const mergeBIntoS = chainVisit(5, { phone: '+989121110001', email: 'chain.b@example.com' }, '2026-10-05T10:00:00Z');
      const platform = await startPlatformProcess(env);
      try {
        await db.connect();
        const settle = async () => {
          expect((await waitUntilCaughtUp(platform.url, 180_000)).deadLetters).toBe(0);
          await waitUntilLoyaltySettled(platform.url, db, 120_000);
          const publisher = await waitUntilFeedPublished(platform.url, db);
          expect(publisher.deadLetters).toBe(0);
          return publisher;
        };
        expect(await postAll(platform.url, [...bodies, ...chain])).toBe(bodies.length + chain.length);
        mark(`posted ${bodies.length + chain.length} touchpoints`);
        await settle();
        expect(await postAll(platform.url, [mergeMIntoB])).toBe(1);
        await settle();
        const { rows: [mBefore] } = await db.query(`SELECT view->>'mergedInto' AS "mergedInto" FROM customer_feed.customers WHERE customer_id = $1`, [chainM]);
        expect(mBefore).toEqual({ mergedInto: chainB });
        expect(await postAll(platform.url, [mergeBIntoS])).toBe(1);
        const publisher = await settle();
        mark(`feed published (${publisher.processed} changes)`);

        // A new consumer: the last message of each key, a tombstone deleting it.
        const { records } = await readTopicToEnd(topics.profiles);
        const states = new Map<string, CustomerFeedState>();
        for (const r of records) {
          if (r.value === null) states.delete(r.key);
          else states.set(r.key, codec.decodeState(r.value));
        }
        mark(`read ${records.length} messages of ${topics.profiles}`);

        const { rows } = await db.query<{ customer_id: string }>(`SELECT customer_id FROM customers.profiles ORDER BY customer_id`);
        const live = rows.map((r) => r.customer_id);
        expect(live.length).toBeGreaterThanOrEqual(1000);
        const liveOnTopic = [...states.values()].filter((s) => s.mergedInto === null).map((s) => s.customerId);
        expect(liveOnTopic.sort()).toEqual(live);
        const merged = [...states.values()].filter((state) => state.mergedInto !== null);
        expect(merged.length).toBeGreaterThan(1);
        expect(states.get(chainB)?.mergedInto).toBe(chainS);
        expect(states.get(chainM)?.mergedInto).toBeTruthy();
        // The last state of every key is the version the feed last published for it.
        const published = await publishedVersions(db);
        expect(new Map([...states.values()].map((s) => [s.customerId, s.version]))).toEqual(published);

        // Compared one by one (a diff of a thousand profiles would take jest minutes); the first mismatches are shown.
        const viewOf = (state: CustomerFeedState) => ({ ...state.profile, loyalty: state.loyalty });
        const liveMismatches = (
          await mapConcurrently(live, 8, async (id) => {
            const found = differences(plain(viewOf(states.get(id)!)), await json(`${platform.url}/v1/customers/${id}`));
            return found.length === 0 ? [] : [{ id, differences: found }];
          })
        ).flat();
        expect({ mismatches: liveMismatches.length, first: liveMismatches.slice(0, 5) }).toEqual({ mismatches: 0, first: [] });

        // A merged id answers with its survivor's profile, marked with mergedInto: the survivor its feed record names.
        const mergedMismatches = (
          await mapConcurrently(merged, 8, async ({ customerId, mergedInto }) => {
            const api = await json(`${platform.url}/v1/customers/${customerId}`);
            const survivor = states.get(mergedInto!);
            if (survivor?.mergedInto !== null) {
              const onTopic = survivor ? `is itself merged into ${survivor.mergedInto} (v${survivor.version})` : 'has no state on the topic';
              return [{ id: customerId, differences: [`the feed says mergedInto ${mergedInto}, which ${onTopic}; the API answers ${api.customerId}`] }];
            }
            const found = differences(plain({ ...viewOf(survivor), requestedId: customerId, mergedInto }), api);
            return found.length === 0 ? [] : [{ id: customerId, differences: found }];
          })
        ).flat();
        expect({ mismatches: mergedMismatches.length, of: merged.length, first: mergedMismatches.slice(0, 5) }).toEqual({ mismatches: 0, of: merged.length, first: [] });
        mark(`compared ${live.length} live and ${merged.length} merged customers with the API`);

        // Republished whole, the feed's log goes to Kafka in batches of thousands of whole states: over Kafka's 1 MiB a record batch.
        const changes = Number((await db.query(`SELECT count(*) AS n FROM customer_feed_log.events`)).rows[0].n);
        expect(changes * 1_000).toBeGreaterThan(1024 * 1024);
        expect((await rebuildAndWait(platform.url, 120_000, 'customer_feed_kafka')).processed).toBe(changes);
        mark(`republished ${changes} changes`);
      } finally {
        await platform.stop();
      }
    } finally {
      await db.end().catch(() => undefined);
      await servers.drop();
      rmSync(programDir, { recursive: true, force: true });
    }
  }, 240_000);

  it.concurrent('after kill -9 of the publisher mid-burst and a restart, every customer has versions 1..N in order on both topics', async () => {
    const started = Date.now();
    const mark = (what: string) => console.log(`kill -9: ${what} after ${Date.now() - started} ms`);
    const servers = await isolatedServers();
    const env = { ...servers.env, CDP_MODE: 'servers' };
    const topics = topicsOf(env);
    const db = new Client({ connectionString: servers.env.DATABASE_URL });
    try {
      const bodies = [...generateDemoTouchpoints({ customers: 300, seed: 'feed-kafka-crash', end: '2026-11-01T00:00:00Z' })].slice(0, 4_000);
      const first = await startPlatformProcess(env);
      let atKill: Awaited<ReturnType<typeof projectionStatus>>;
      // The burst goes on while the publisher works, so the kill lands with changes still coming.
      const posting = postAll(first.url, bodies).catch(() => undefined);
      try {
        atKill = await eventually(
          async () => {
            const status = await projectionStatus(first.url, 'customer_feed_kafka');
            return status.processed > 0 && status.lag! > 0 ? status : undefined;
          },
          'the feed publisher to have published some, not all',
          60_000,
        );
      } finally {
        await first.kill9();
        await posting;
      }
      // With the process gone, the feed's log and the publisher's checkpoint stand still: the kill cut the publishing short.
      await db.connect();
      const { rows: [cut] } = await db.query(
        `SELECT (SELECT count(*) FROM customer_feed_log.events)::int AS logged,
                (SELECT coalesce(sum(processed), 0) FROM projections.checkpoints WHERE projection = 'customer_feed_kafka')::int AS published`,
      );
      mark(`killed with ${cut.published} of ${cut.logged} changes published`);
      expect(atKill.processed).toBeGreaterThan(0);
      expect(atKill.lag).toBeGreaterThan(0);
      expect(cut.published).toBeGreaterThan(0);
      // The publisher may have caught up with the log in the instant before the kill; the burst, not yet
      // projected, still had changes to come: the restarted process publishes them (checked below).
      expect(cut.logged).toBeGreaterThanOrEqual(cut.published);

      const second = await startPlatformProcess(env);
      try {
        expect((await waitUntilCaughtUp(second.url, 120_000)).deadLetters).toBe(0);
        await waitUntilLoyaltySettled(second.url, db, 120_000);
        const publisher = await waitUntilFeedPublished(second.url, db);
        mark(`feed published (${publisher.processed} changes in all)`);
        expect(publisher.processed).toBeGreaterThan(cut.published);
        expect(publisher.deadLetters).toBe(0);
      } finally {
        await second.stop();
      }

      const published = await publishedVersions(db);
      const { rows: [log] } = await db.query(`SELECT count(*)::int AS events FROM customer_feed_log.events`);
      expect(log.events).toBe([...published.values()].reduce((a, b) => a + b, 0));
      expect(published.size).toBeGreaterThan(250);

      const events = await readTopicToEnd(topics.events);
      const eventRecords = events.records.map(changeRecord);
      expect(eventRecords.length).toBeGreaterThanOrEqual(log.events);
      expect(versionProblems(eventRecords, published, { gapless: true })).toEqual([]);

      // Compaction never touches the segment being written: unless it ran, every message is still there.
      const profiles = await readTopicToEnd(topics.profiles);
      const compacted = profiles.partitions.some((p) => p.read < p.high - p.low);
      expect(versionProblems(profiles.records.map(profileRecord), published, { gapless: !compacted })).toEqual([]);
      mark(`checked ${eventRecords.length} changes (${eventRecords.length - log.events} sent twice) and ${profiles.records.length} states${compacted ? ' (compacted)' : ''}`);
    } finally {
      await db.end().catch(() => undefined);
      await servers.drop();
    }
  }, 240_000);

  it('the version check fails on a gap, a reordering, a conflicting repeat, a missing last version', () => {
    const r = (offset: number, key: string, version: number, eventId = `${key}-${version}`): VersionedRecord => ({ partition: 0, offset, key, customerId: key, version, eventId });
    const published = new Map([['a', 3]]);
    expect(versionProblems([r(0, 'a', 1), r(1, 'a', 2), r(2, 'a', 1), r(3, 'a', 2), r(4, 'a', 3)], published, { gapless: true })).toEqual([]);
    expect(versionProblems([r(0, 'a', 1), r(1, 'a', 3)], published, { gapless: true })).toEqual(['0@1: a v3 after v1']);
    expect(versionProblems([r(0, 'a', 1), r(1, 'a', 3)], published, { gapless: false })).toEqual([]);
    expect(versionProblems([r(0, 'a', 1), r(1, 'a', 3), r(2, 'a', 2)], published, { gapless: false })).toEqual(['0@2: a v2 after v3']);
    expect(versionProblems([r(0, 'a', 1), r(1, 'a', 2), r(2, 'a', 2, 'other'), r(3, 'a', 3)], published, { gapless: true })).toEqual(['0@2: a v2 again with event id other, first a-2']);
    expect(versionProblems([r(0, 'a', 1), r(1, 'a', 2)], published, { gapless: true })).toEqual(['a: published version 3, last on the topic 2']);
    expect(versionProblems([r(0, 'a', 1), r(1, 'a', 2), { ...r(2, 'a', 3), partition: 1 }], published, { gapless: true })).toEqual(['1@2: a is in partitions 0 and 1']);
  });
});
