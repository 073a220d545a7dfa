import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { projectionStatus } from './admin-client';
import { eventually } from './eventually';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** One message of a feed topic, as a plain consumer sees it. */
export interface FeedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface PartitionRead {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
  /** Messages read; fewer than high − low when compaction removed some. */
  readonly read: number;
}

/**
 * Reads a topic from the beginning up to the high-water marks it has now, with a new consumer group
 * (a consumer started from scratch), and returns its messages in partition and offset order.
 */
export async function readTopicToEnd(topic: string, timeoutMs = 60_000): Promise<{ records: FeedRecord[]; partitions: PartitionRead[] }> {
  const kafka = new Kafka({ clientId: 'feed-test-consumer', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `feed-test-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 10 * 1024 * 1024, maxBytes: 50 * 1024 * 1024 });
  const records: FeedRecord[] = [];
  try {
    const offsets = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
    const remaining = new Set(offsets.filter((p) => p.high > p.low).map((p) => p.partition));
    const highOf = new Map(offsets.map((p) => [p.partition, p.high]));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      if (remaining.size === 0) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}: partitions ${[...remaining].join(', ')} not read to their end`)), timeoutMs);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          const high = highOf.get(batch.partition)!;
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            if (offset >= high) break;
            records.push({ partition: batch.partition, offset, key: message.key!.toString(), value: message.value, headers: headersOf(message.headers) });
            if (offset + 1 >= high) remaining.delete(batch.partition);
          }
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    const partitions = offsets.map((p) => ({ ...p, read: records.filter((r) => r.partition === p.partition).length }));
    return { records, partitions };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

function headersOf(headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value[value.length - 1] : value)]));
}

/**
 * Waits until the feed is built and published: the customer projection caught up, nothing left
 * marked changed for the feed's builder, and the Kafka publisher's lag 0 (twice in a row, a moment
 * apart, so a step that was under way is seen too). Call it once loyalty has settled.
 */
export async function waitUntilFeedPublished(url: string, db: { query(sql: string): Promise<{ rows: any[] }> }, timeoutMs = 120_000) {
  let seen = '';
  const published = async () => {
    const [customers, publisher] = await Promise.all([projectionStatus(url, 'customers'), projectionStatus(url, 'customer_feed_kafka')]);
    const { rows } = await db.query(`SELECT count(*)::int AS marks FROM customer_feed.changed_customers`);
    seen = `customers lag ${customers.lag}, ${rows[0].marks} customers marked changed, customer_feed_kafka ${JSON.stringify(publisher)}`;
    return customers.lag === 0 && rows[0].marks === 0 && publisher.lag === 0 ? publisher : undefined;
  };
  return eventually(
    async () => ((await published()) && (await new Promise((r) => setTimeout(r, 300)), await published())) || undefined,
    'the feed to be built and published to Kafka',
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last seen: ${seen}`);
  });
}

/** A feed message reduced to what its order is checked on. */
export interface VersionedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly customerId: string;
  readonly version: number;
  readonly eventId: string;
}

/**
 * What is wrong with a feed topic's versions, as readable lines ([] when nothing): every key in one
 * partition and equal to the customer id; a repeat (same customer and version) carries the same
 * event id; once repeats are dropped, each customer's versions come in increasing order, without
 * gaps from 1 when `gapless` (nothing compacted away), and end at the customer's published version
 * (`published`, which also names every customer that must be on the topic).
 */
export function versionProblems(records: readonly VersionedRecord[], published: ReadonlyMap<string, number>, { gapless }: { gapless: boolean }): string[] {
  const problems: string[] = [];
  const partitionOf = new Map<string, number>();
  const eventIds = new Map<string, Map<number, string>>();
  const last = new Map<string, number>();
  const ordered = [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  for (const r of ordered) {
    const at = `${r.partition}@${r.offset}`;
    if (r.key !== r.customerId) problems.push(`${at}: key ${r.key} carries customer ${r.customerId}`);
    const partition = partitionOf.get(r.key) ?? r.partition;
    if (partition !== r.partition) problems.push(`${at}: ${r.key} is in partitions ${partition} and ${r.partition}`);
    partitionOf.set(r.key, partition);
    const seen = eventIds.get(r.key) ?? new Map<number, string>();
    eventIds.set(r.key, seen);
    const before = seen.get(r.version);
    if (before !== undefined) {
      if (before !== r.eventId) problems.push(`${at}: ${r.key} v${r.version} again with event id ${r.eventId}, first ${before}`);
      continue;
    }
    seen.set(r.version, r.eventId);
    const previous = last.get(r.key) ?? 0;
    if (gapless ? r.version !== previous + 1 : r.version <= previous) problems.push(`${at}: ${r.key} v${r.version} after v${previous}`);
    last.set(r.key, Math.max(previous, r.version));
  }
  for (const [customerId, version] of published) {
    if (last.get(customerId) !== version) problems.push(`${customerId}: published version ${version}, last on the topic ${last.get(customerId) ?? 'none'}`);
  }
  for (const key of last.keys()) if (!published.has(key)) problems.push(`${key}: on the topic, but the feed published no version of it`);
  return problems;
}
