import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { subscribeCustomers, type CustomerChange, type CustomerSubscription } from '@cdp/client';
import { createTopicsAndWait } from '@cdp/event-log-kafka';
import { loadSchemaCatalog } from '@cdp/events';
import { createCustomerFeedCodec } from '@cdp/feed';
import { isolatedServers } from '../tests/support/isolated-servers';
import { startPlatformProcess, type PlatformProcess } from '../tests/support/platform-process';
import { progress } from './bench-support';
import { removeIfInterrupted } from './interruptions';

/** p50, p99 and max in ms over every item expected; one that never arrived counts as infinitely late. */
export interface Latencies {
  readonly expected: number;
  readonly arrived: number;
  readonly missing: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface FreshnessRun {
  /** Touchpoints per second offered, open loop. */
  readonly rate: number;
  readonly seconds: number;
  /** Touchpoints per request (one request every `requestEveryMs`). */
  readonly requestSize: number;
  /** Touchpoints answered 202, and those of requests that failed (should be 0). */
  readonly accepted: number;
  readonly failed: number;
  /** Touchpoints answered 202 per second, from the first request to the last 202: what ingestion took in. */
  readonly acceptedPerSecond: number;
  /**
   * CustomerCreated handed to the SSE subscriber per second, from its first arrival to its last:
   * about `acceptedPerSecond` when the feed keeps up, below it when its backlog grows.
   */
  readonly deliveredPerSecond: number;
  /** From sending a request to its 202. */
  readonly ingest: Latencies;
  /** From the 202 to the change's `changedAt`, when the feed recorded it (the platform's clock, to the ms). */
  readonly recorded: Latencies;
  /** From the 202 of ingestion to the CustomerCreated handed to an SSE subscriber (@cdp/client). */
  readonly sse: Latencies;
  /** From the 202 of ingestion to the CustomerCreated reaching a kafkajs consumer of the events topic. */
  readonly kafka: Latencies;
  /** Raw kafkajs, measured before the loads: from send() of a small message to its consumer, same rate, same broker. */
  readonly baseline: Latencies;
  /** The benchmark process's own event-loop delay while it loaded (p99, ms): how late its clock readings can be. */
  readonly eventLoopDelayP99: number;
}

export interface FreshnessFigures {
  readonly runs: readonly FreshnessRun[];
  /** Partitions of the events topic (the baseline topic gets as many). */
  readonly partitions: number;
  readonly requestEveryMs: number;
  /** How long each run waited at most for stragglers after the load. */
  readonly straggleSeconds: number;
  /** Wall time of the whole benchmark, platform start and clean-up included. */
  readonly wallSeconds: number;
}

export interface FreshnessOptions {
  readonly rates: readonly number[];
  /** Seconds of load per rate. */
  readonly seconds: number;
  /** Seconds of raw Kafka load per rate for the baseline; default min(seconds, 5). */
  readonly baselineSeconds?: number;
  /** Most seconds to wait after the load for changes still on their way (it stops sooner once 10 s pass without one); default 60. */
  readonly straggleSeconds?: number;
  /**
   * One request every so many ms, carrying the touchpoints due by then; default 50 (R/20 per
   * request). Ingestion produces each request to Kafka in turn (one idempotent produce in flight),
   * so smaller requests cap what it takes in: R/100 every 10 ms took only about 275/s at 1,000/s.
   */
  readonly requestEveryMs?: number;
  /** Requests allowed in flight at once; beyond it the schedule falls behind (and catches up); default 64. */
  readonly maxInFlight?: number;
  /**
   * 'one': the platform in one process, as `npm start` runs it (the default). 'apps': servers mode
   * as docs/operations.md deploys it, apps/ingest, apps/projector and apps/api each a process.
   */
  readonly processes?: 'one' | 'apps';
  /** Where the platform's processes write a CPU profile (node --cpu-prof) when they stop; none by default. */
  readonly cpuProfileDir?: string;
  readonly log?: (line: string) => void;
}

/** The loads `npm run bench` runs, full or quick: 1,000 and then 5,000 touchpoints/s. */
export function suiteFreshnessOptions(quick: boolean): FreshnessOptions {
  return { rates: [1_000, 5_000], seconds: quick ? 1 : 10, baselineSeconds: quick ? 1 : 5, straggleSeconds: quick ? 30 : 300 };
}

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/**
 * Freshness of the customer feed: one servers-mode platform process (its own Kafka namespace,
 * Postgres and ClickHouse databases), an SSE subscriber (`@cdp/client`, from now) and a kafkajs
 * consumer of `<namespace>.customer-events.v1` (new group, from the end), then for each rate a
 * steady open-loop load of `visit` touchpoints, each of a new customer. Latency is from the 202 of
 * the request that carried the touchpoint to the arrival of its CustomerCreated. The baseline is
 * raw kafkajs produce → consume of a small message through the same broker at the same rate.
 */
export async function benchFeedFreshness(options: FreshnessOptions): Promise<FreshnessFigures> {
  const began = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;
  const straggleSeconds = options.straggleSeconds ?? 60;
  const requestEveryMs = options.requestEveryMs ?? 50;
  const maxInFlight = options.maxInFlight ?? 64;
  const servers = await isolatedServers();
  const namespace = servers.env.CDP_KAFKA_NAMESPACE;
  const kafka = new Kafka({ clientId: 'bench-feed-freshness', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const groups = { feed: `${namespace}.bench-feed`, baseline: `${namespace}.bench-baseline` };
  const feedConsumer = kafka.consumer({ groupId: groups.feed, allowAutoTopicCreation: false });
  const baselineConsumer = kafka.consumer({ groupId: groups.baseline, allowAutoTopicCreation: false });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const platform: PlatformProcess[] = [];
  const forget = removeIfInterrupted(async () => (await Promise.allSettled(platform.map((p) => p.stop())), await servers.drop()));
  let subscription: CustomerSubscription | undefined;
  let figures: Omit<FreshnessFigures, 'wallSeconds'>;
  try {
    await admin.connect();
    const profiling = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
    const env = { ...servers.env, CDP_MODE: 'servers' };
    const apps = options.processes === 'apps' ? (['ingest', 'projector', 'api'] as const) : (['platform'] as const);
    for (const app of apps) platform.push(await startPlatformProcess(env, profiling, app));
    const ingestUrl = platform[0].url;
    const apiUrl = platform[platform.length - 1].url;
    log(`  ${apps.join(', ')} (servers mode, Kafka namespace ${namespace}) listening after ${elapsed()}`);

    // Each new customer is known by its email: when its CustomerCreated arrived where, and when the feed recorded it.
    const sseAt = new Map<string, number>();
    const kafkaAt = new Map<string, number>();
    const recordedAt = new Map<string, number>();
    const record = (at: Map<string, number>, change: CustomerChange | null) => {
      if (change?.type !== 'CustomerCreated') return;
      const now = performance.now();
      // changedAt, from the platform's wall clock onto this process's monotonic one.
      const recorded = Date.parse(change.changedAt) - (Date.now() - now);
      for (const email of change.state?.profile?.identifiers.email ?? []) {
        if (!at.has(email)) at.set(email, now);
        if (!recordedAt.has(email)) recordedAt.set(email, recorded);
      }
    };

    // The SSE subscriber, from now; open once the stream answered.
    let sseConnected: () => void = () => undefined;
    const sseOpen = new Promise<void>((resolve) => (sseConnected = resolve));
    const sseErrors: unknown[] = [];
    subscription = subscribeCustomers(
      {
        transport: {
          sse: {
            baseUrl: apiUrl,
            fetch: async (input, init) => {
              const response = await fetch(input, init);
              sseConnected();
              return response;
            },
          },
        },
        from: 'now',
        onError: (error) => sseErrors.push(error),
      },
      (change) => record(sseAt, change),
    );

    // The Kafka consumer of the feed, a new group from the end of the events topic (the client's
    // Kafka transport follows cdp.customer-events.v1 only, not a namespace's topic); and the
    // baseline's topic and consumer, on the same broker with as many partitions. Joined at once.
    const eventsTopic = `${namespace}.customer-events.v1`;
    const baselineTopic = `${namespace}.bench-baseline`;
    const codec = createCustomerFeedCodec(loadSchemaCatalog());
    const producedAt = new Map<string, number>();
    const consumedAt = new Map<string, number>();
    const [partitions] = await Promise.all([
      topicPartitions(admin, eventsTopic, 60_000).then(async (partitions) => {
        await createTopicsAndWait(admin, [{ topic: baselineTopic, numPartitions: partitions }]);
        await Promise.all([
          runConsumer(feedConsumer, eventsTopic, (value) => record(kafkaAt, codec.decodeChange(value))),
          runConsumer(baselineConsumer, baselineTopic, (value) => {
            const id = value.toString();
            if (!consumedAt.has(id)) consumedAt.set(id, performance.now());
          }),
          producer.connect(),
        ]);
        return partitions;
      }),
      withTimeout(sseOpen, 30_000, 'the SSE stream to open'),
    ]);

    // A warm-up each consumer must see: proves it follows from before the loads, and warms the paths up.
    const warmUp = Array.from({ length: 100 }, (_, i) => `warm-${i}@bench-${namespace}.example.com`);
    for (let i = 0; i < warmUp.length; i += 50) {
      const { status, body } = await postTouchpoints(agent, ingestUrl, warmUp.slice(i, i + 50));
      if (status !== 202) throw new Error(`POST /v1/touchpoints answered ${status}: ${body}`);
    }
    const warmBaseline = Array.from({ length: 100 }, (_, i) => `warm-${i}`);
    await producer.send({ topic: baselineTopic, messages: warmBaseline.map((id) => ({ key: id, value: id })) });
    await waitForArrivals(warmBaseline, [consumedAt], 30_000);
    if (!warmBaseline.every((id) => consumedAt.has(id))) throw new Error(`the baseline's consumer did not receive what was produced to ${baselineTopic}`);
    await waitForArrivals(warmUp, [sseAt, kafkaAt], 60_000, '  warm-up: changes arriving (SSE and Kafka)');
    if (!warmUp.every((email) => sseAt.has(email) && kafkaAt.has(email))) {
      throw new Error(`the warm-up did not reach both subscribers${sseErrors.length > 0 ? `; SSE: ${sseErrors.map(String).join('; ')}` : ''}`);
    }
    log(`  subscribed over SSE and Kafka, warmed up after ${elapsed()}`);

    // The baselines first, while the platform is idle: raw produce → consume of a small message.
    const baselines = new Map<number, Latencies>();
    for (const rate of options.rates) {
      const sentIds: string[] = [];
      await openLoop({
        rate,
        seconds: options.baselineSeconds ?? Math.min(options.seconds, 5),
        everyMs: requestEveryMs,
        maxInFlight,
        label: `  ${rate.toLocaleString('en')}/s: raw Kafka produce → consume`,
        send: async (count) => {
          const ids = Array.from({ length: count }, (_, i) => `${rate}-${sentIds.length + i}`);
          sentIds.push(...ids);
          const at = performance.now();
          for (const id of ids) producedAt.set(id, at);
          await producer.send({ topic: baselineTopic, messages: ids.map((id) => ({ key: id, value: id })) });
        },
      });
      await waitForArrivals(sentIds, [consumedAt], 30_000);
      baselines.set(rate, latencies(new Map(sentIds.map((id) => [id, producedAt.get(id)!])), consumedAt));
    }

    const runs: FreshnessRun[] = [];
    for (const rate of options.rates) {
      const label = `  ${rate.toLocaleString('en')}/s`;
      // A request every requestEveryMs, each touchpoint a visit of a new customer.
      const sentAt = new Map<string, number>();
      const acceptedAt = new Map<string, number>();
      let failed = 0;
      let firstFailure = '';
      let next = 0;
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const load = await openLoop({
        rate,
        seconds: options.seconds,
        everyMs: requestEveryMs,
        maxInFlight,
        label: `${label}: sending touchpoints`,
        send: async (count) => {
          const emails = Array.from({ length: count }, () => `c${next++}-${rate}@bench-${namespace}.example.com`);
          const sent = performance.now();
          try {
            const { status, at, body } = await postTouchpoints(agent, ingestUrl, emails);
            if (status !== 202) throw new Error(`answered ${status}: ${body.slice(0, 300)}`);
            for (const email of emails) {
              sentAt.set(email, sent);
              acceptedAt.set(email, at);
            }
          } catch (error) {
            failed += count;
            firstFailure ||= (error as Error).message;
          }
        },
      });
      delay.disable();
      if (failed > 0) log(`${label}: ${failed.toLocaleString('en')} touchpoints not accepted; the first failure: ${firstFailure}`);
      if (acceptedAt.size === 0) throw new Error(`POST /v1/touchpoints accepted nothing at ${rate}/s: ${firstFailure}`);
      const emails = [...acceptedAt.keys()];
      await waitForArrivals(emails, [sseAt, kafkaAt], straggleSeconds * 1000, `${label}: changes arriving (SSE and Kafka)`);

      const spanOf = (at: ReadonlyMap<string, number>, from = Infinity) => {
        let first = from;
        let last = -Infinity;
        for (const email of emails) {
          const instant = at.get(email);
          if (instant === undefined) continue;
          first = Math.min(first, instant);
          last = Math.max(last, instant);
        }
        return (last - first) / 1000;
      };
      const sse = latencies(acceptedAt, sseAt);
      const run: FreshnessRun = {
        rate,
        seconds: options.seconds,
        requestSize: Math.round((rate * requestEveryMs) / 1000),
        accepted: acceptedAt.size,
        failed,
        acceptedPerSecond: acceptedAt.size / spanOf(acceptedAt, load.start),
        deliveredPerSecond: sse.arrived > 1 ? sse.arrived / spanOf(sseAt) : 0,
        ingest: latencies(sentAt, acceptedAt),
        recorded: latencies(acceptedAt, recordedAt),
        sse,
        kafka: latencies(acceptedAt, kafkaAt),
        baseline: baselines.get(rate)!,
        eventLoopDelayP99: delay.percentile(99) / 1e6,
      };
      runs.push(run);
      log(
        `${label}: ingested ${Math.round(run.acceptedPerSecond).toLocaleString('en')}/s (to the 202: ${describeLatencies(run.ingest)}), ` +
          `delivered ${Math.round(run.deliveredPerSecond).toLocaleString('en')}/s (first to last arrival); from the 202 to: changedAt ${describeLatencies(run.recorded)}, ` +
          `SSE ${describeLatencies(run.sse)}, Kafka ${describeLatencies(run.kafka)}; raw Kafka ${describeLatencies(run.baseline)}; ` +
          `bench event-loop delay p99 ${Math.round(run.eventLoopDelayP99)} ms; after ${elapsed()}`,
      );
    }
    if (sseErrors.length > 0) log(`  the SSE subscriber reported ${sseErrors.length} error(s), the first: ${String(sseErrors[0])}`);
    figures = { runs, partitions, requestEveryMs, straggleSeconds };
  } finally {
    const closing = performance.now();
    await Promise.allSettled([
      subscription?.close(),
      feedConsumer.disconnect(),
      baselineConsumer.disconnect(),
      producer.disconnect(),
      ...platform.map((p) => p.stop()),
    ]);
    agent.destroy();
    await admin.deleteGroups(Object.values(groups)).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await servers.drop();
    forget();
    log(`  cleaned up in ${((performance.now() - closing) / 1000).toFixed(1)} s`);
  }
  return { ...figures, wallSeconds: (performance.now() - began) / 1000 };
}

/** "p50 X ms, p99 Y ms", and what never arrived. */
export function describeLatencies(l: Latencies): string {
  const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en')} ms` : 'never');
  return `p50 ${ms(l.p50)}, p99 ${ms(l.p99)}${l.missing > 0 ? `, ${l.missing.toLocaleString('en')} of ${l.expected.toLocaleString('en')} missing` : ''}`;
}

function latencies(startedAt: ReadonlyMap<string, number>, arrivedAt: ReadonlyMap<string, number>): Latencies {
  const values: number[] = [];
  for (const [key, start] of startedAt) values.push((arrivedAt.get(key) ?? Infinity) - start);
  values.sort((a, b) => a - b);
  const rank = (q: number) => (values.length === 0 ? NaN : values[Math.max(0, Math.ceil(q * values.length) - 1)]);
  const missing = values.filter((v) => v === Infinity).length;
  return { expected: values.length, arrived: values.length - missing, missing, p50: rank(0.5), p99: rank(0.99), max: rank(1) };
}

/**
 * Sends `rate` items a second for `seconds`, a request every `everyMs` (R/100 every 10 ms by
 * default), on a fixed schedule: a request does not wait for the one before; only when
 * `maxInFlight` are unanswered does the schedule fall behind, and it catches up as answers come.
 * Resolves once every request was answered, with the rate the schedule kept.
 */
function openLoop(options: { rate: number; seconds: number; everyMs: number; maxInFlight: number; label: string; send(count: number): Promise<void> }): Promise<{ sent: number; perSecond: number; start: number }> {
  const requests = Math.max(1, Math.round((options.seconds * 1000) / options.everyMs));
  // Request i carries the items due by its end: the schedule stays exact whatever the rounding.
  const dueBy = (i: number) => Math.round((options.rate * options.everyMs * i) / 1000);
  const total = dueBy(requests);
  const start = performance.now();
  let issued = 0;
  let answered = 0;
  let lastSentAt = start;
  let shown = 0;
  return new Promise((resolve) => {
    const pump = () => {
      const now = performance.now();
      const due = Math.min(requests, Math.floor((now - start) / options.everyMs) + 1);
      while (issued < due && issued - answered < options.maxInFlight) {
        const count = dueBy(issued + 1) - dueBy(issued);
        issued++;
        lastSentAt = performance.now();
        const sent = count > 0 ? options.send(count) : Promise.resolve();
        void sent.finally(() => {
          answered++;
          if (answered === requests) {
            progress(options.label, total, total);
            resolve({ sent: total, perSecond: total / ((lastSentAt - start + options.everyMs) / 1000), start });
          }
        });
      }
      if (now - shown > 250 && issued < requests) {
        shown = now;
        progress(options.label, dueBy(issued), total);
      }
      if (issued < requests) setTimeout(pump, issued < due ? 1 : Math.max(0, start + issued * options.everyMs - performance.now()));
    };
    pump();
  });
}

/**
 * Posts one request of visits, one new customer per email; `at` is when the answer's status came.
 * A kept-alive connection the server closed just as it was reused is retried once: the event ids
 * make the retry idempotent.
 */
function postTouchpoints(agent: Agent, baseUrl: string, emails: readonly string[]): Promise<{ status: number; at: number; body: string }> {
  const occurredAt = new Date().toISOString();
  const body = JSON.stringify({
    touchpoints: emails.map((email) => ({ eventId: randomUUID(), type: 'visit', source: 'bench', occurredAt, identifiers: { email }, payload: { channel: 'store' } })),
  });
  const attempt = (retried: boolean): Promise<{ status: number; at: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(`${baseUrl}/v1/touchpoints`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const at = performance.now();
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, at, body: text }));
        res.on('error', reject);
      });
      req.on('error', (error: NodeJS.ErrnoException) => (req.reusedSocket && error.code === 'ECONNRESET' && !retried ? resolve(attempt(true)) : reject(error)));
      req.end(body);
    });
  return attempt(false);
}

/** Starts a consumer of `topic` from its end (a new group) and returns once it has its partitions. */
async function runConsumer(consumer: Consumer, topic: string, onMessage: (value: Buffer) => void): Promise<void> {
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) if (message.value !== null) onMessage(message.value);
    },
  });
  await withTimeout(joined, 60_000, `the consumer of ${topic} to join its group`);
}

/** Waits until every key is in every map, or nothing new arrived for 10 s, or `timeoutMs`. */
async function waitForArrivals(keys: readonly string[], arrivals: readonly ReadonlyMap<string, number>[], timeoutMs: number, label?: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const count = () => arrivals.reduce((sum, at) => sum + keys.filter((key) => at.has(key)).length, 0);
  const total = keys.length * arrivals.length;
  let seen = -1;
  let lastProgressAt = performance.now();
  for (;;) {
    const now = performance.now();
    const done = count();
    if (label !== undefined) progress(label, done, total);
    if (done >= total) return;
    if (done !== seen) {
      seen = done;
      lastProgressAt = now;
    }
    if (now > deadline || now - lastProgressAt > 10_000) {
      if (label !== undefined) process.stderr.write('\n');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The events topic's partitions, once the platform created it. */
async function topicPartitions(admin: ReturnType<Kafka['admin']>, topic: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if ((await admin.listTopics()).includes(topic)) {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0].partitions.length;
    }
    if (performance.now() > deadline) throw new Error(`the platform did not create ${topic} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
