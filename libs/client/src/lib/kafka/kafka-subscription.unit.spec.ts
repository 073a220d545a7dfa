import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { CustomerChange } from '@cdp/feed';
import { ChangeHandlerError } from '../customer-subscription';
import type { KafkaSubscribeOptions } from './kafka-subscribe-options';
import { confluentMessage, fakeRegistry, REGISTRY_URL, segmentChange } from './customer-change.fixture';
import { kafkaSubscription, type FeedConsumer } from './kafka-subscription';

const TOPIC = 'cdp.customer-events.v1';

/** A consumer that records what it was asked, and lets the spec play batches to the subscription. */
function fakeConsumer() {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    events: { CRASH: 'consumer.crash' },
    on: jest.fn(),
    connect: jest.fn(async () => undefined),
    subscribe: jest.fn(async () => undefined),
    run: jest.fn(async (config: { eachBatch: typeof eachBatch }) => {
      eachBatch = config.eachBatch;
    }),
    disconnect: jest.fn(async () => undefined),
  };
  const commits: string[] = [];
  const log: string[] = [];
  async function play(messages: readonly { offset: string; value: Buffer | null }[], partition = 3): Promise<void> {
    await eachBatch!({
      batch: { topic: TOPIC, partition, messages: messages.map((m) => ({ ...m, key: null, timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage) },
      resolveOffset: jest.fn(),
      commitOffsetsIfNecessary: jest.fn(async (offsets) => {
        const { partition: p, offset } = offsets!.topics[0].partitions[0];
        commits.push(`${p}:${offset}`);
        log.push(`commit ${offset}`);
      }),
      heartbeat: jest.fn(async () => undefined),
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);
  }
  return { consumer, commits, log, play, started: () => eachBatch !== undefined };
}

function options(overrides: Partial<KafkaSubscribeOptions> = {}): KafkaSubscribeOptions {
  return {
    transport: { kafka: { brokers: ['kafka.test:9092'], groupId: 'newsletter', registryUrl: REGISTRY_URL, fetch: fakeRegistry() } },
    reconnectDelayMs: 1,
    onError: () => undefined,
    ...overrides,
  };
}

/** A group that stopped within what the topic still holds. */
const nothingLost = async () => [];

const version = (v: number, overrides: Partial<CustomerChange> = {}): CustomerChange => ({ ...segmentChange, version: v, ...overrides });

async function started(fake: ReturnType<typeof fakeConsumer>): Promise<void> {
  while (!fake.started()) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** A subscription over a fake consumer, started, that records the versions its handler was given. */
async function following(overrides: Partial<KafkaSubscribeOptions> = {}) {
  const fake = fakeConsumer();
  const handled: number[] = [];
  const subscription = kafkaSubscription(
    options(overrides),
    (change) => {
      handled.push(change.version);
    },
    async () => fake.consumer as unknown as FeedConsumer,
    nothingLost,
  );
  await started(fake);
  return { fake, handled, subscription };
}

describe('kafkaSubscription', () => {
  it('joins the group on the topic, from the beginning when asked, and hands over decoded changes with their positions', async () => {
    const fake = fakeConsumer();
    const handled: [number, string][] = [];
    const subscription = kafkaSubscription(
      options({ from: 'start' }),
      async (change, { id }) => {
        fake.log.push(`handled ${change.version}`);
        handled.push([change.version, id]);
      },
      async () => fake.consumer as unknown as FeedConsumer,
      nothingLost,
    );
    await started(fake);
    await fake.play([
      { offset: '10', value: confluentMessage(version(1)) },
      { offset: '11', value: confluentMessage(version(2)) },
    ]);
    await subscription.close();

    expect(fake.consumer.subscribe).toHaveBeenCalledWith({ topics: [TOPIC], fromBeginning: true });
    expect(fake.consumer.run).toHaveBeenCalledWith(expect.objectContaining({ autoCommit: false }));
    expect(handled).toEqual([
      [1, `${TOPIC}/3:10`],
      [2, `${TOPIC}/3:11`],
    ]);
    // Each offset is committed after its handler resolved: the next offset to read.
    expect(fake.log).toEqual(['handled 1', 'commit 11', 'handled 2', 'commit 12']);
    expect(subscription.lastEventId()).toBe(`${TOPIC}/3:11`);
    expect(fake.consumer.disconnect).toHaveBeenCalled();
  });

  it('filters locally and skips types it does not know, committing past the changes it skips', async () => {
    const { fake, handled, subscription } = await following({ filter: { types: ['CustomerSegmentChanged'], segment: 'Champions' } });
    await fake.play([
      { offset: '0', value: confluentMessage(version(1)) },
      { offset: '1', value: confluentMessage(version(2, { type: 'ProfileChanged' })) },
      { offset: '2', value: confluentMessage(version(3, { state: null })) },
      { offset: '3', value: null },
      { offset: '4', value: confluentMessage(version(4, { type: 'ConsentWithdrawn' as CustomerChange['type'] })) },
      { offset: '5', value: confluentMessage(version(5)) },
    ]);
    await subscription.close();

    expect(fake.consumer.subscribe).toHaveBeenCalledWith({ topics: [TOPIC], fromBeginning: false });
    expect(handled).toEqual([1, 5]);
    expect(fake.commits).toEqual(['3:1', '3:2', '3:3', '3:4', '3:5', '3:6']);
  });

  it('reports a message that can never be decoded, located, and goes on past it, where it stopped the partition for good', async () => {
    const errors: unknown[] = [];
    const { fake, handled, subscription } = await following({ onError: (error) => errors.push(error) });
    await fake.play([
      { offset: '0', value: confluentMessage(version(1)) },
      { offset: '1', value: Buffer.from([0, 0, 0, 0, 0x63, 0x6a]) },
      { offset: '2', value: confluentMessage(version(2)) },
    ]);
    await subscription.close();

    expect(handled).toEqual([1, 2]);
    expect(fake.commits).toEqual(['3:1', '3:2', '3:3']);
    expect(errors).toEqual([expect.objectContaining({ code: 'FEED.INVALID_MESSAGE', message: expect.stringMatching(/^cdp\.customer-events\.v1\/3:1: schema id 99 is not in the registry; it is skipped$/) })]);
  });

  it('commits nothing for a change whose handler fails, and hands it over again', async () => {
    const fake = fakeConsumer();
    const errors: unknown[] = [];
    let failures = 0;
    const subscription = kafkaSubscription(
      options({ onError: (error) => errors.push(error) }),
      (change) => {
        fake.log.push(`handle ${change.version}`);
        if (change.version === 2 && failures++ < 2) throw new Error('crm down');
      },
      async () => fake.consumer as unknown as FeedConsumer,
      nothingLost,
    );
    await started(fake);
    await fake.play([
      { offset: '7', value: confluentMessage(version(1)) },
      { offset: '8', value: confluentMessage(version(2)) },
    ]);
    await subscription.close();

    expect(fake.log).toEqual(['handle 1', 'commit 8', 'handle 2', 'handle 2', 'handle 2', 'commit 9']);
    expect(errors).toEqual([expect.any(ChangeHandlerError), expect.any(ChangeHandlerError)]);
    expect(errors[0]).toMatchObject({ attempt: 1, context: { id: `${TOPIC}/3:8` } });
  });

  it('stops handing over when closed while a handler keeps failing, leaving the offset uncommitted', async () => {
    const fake = fakeConsumer();
    const subscription = kafkaSubscription(
      options(),
      () => {
        throw new Error('bug');
      },
      async () => fake.consumer as unknown as FeedConsumer,
      nothingLost,
    );
    await started(fake);
    const batch = fake.play([{ offset: '0', value: confluentMessage(version(1)) }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await subscription.close();
    await batch;

    expect(fake.commits).toEqual([]);
    expect(subscription.lastEventId()).toBeUndefined();
  });
  it('tells of the changes Kafka\'s retention deleted after where the group stopped, and goes on from the oldest one held', async () => {
    const fake = fakeConsumer();
    const errors: unknown[] = [];
    const checked: string[] = [];
    const subscription = kafkaSubscription(
      options({ onError: (error) => errors.push(error) }),
      () => undefined,
      async () => fake.consumer as unknown as FeedConsumer,
      async (topic) => (checked.push(topic), ['partition 3, offsets 2 to 4']),
    );
    await started(fake);
    await fake.play([{ offset: '5', value: await confluentMessage(version(6)) }]);
    await subscription.close();

    expect(checked).toEqual([TOPIC]);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'FEED.CHANGES_PRUNED',
        message: expect.stringMatching(/^cdp\.customer-events\.v1 no longer holds the changes after where group newsletter stopped \(partition 3, offsets 2 to 4\): Kafka's retention deleted them\. It resumes at the oldest change still held; reload/),
      }),
    ]);
    expect(fake.commits).toEqual(['3:6']);
  });
  it('refuses the profiles topic, which holds states, not changes, saying which topic to follow', () => {
    const profiles = options({ transport: { kafka: { brokers: ['kafka.test:9092'], groupId: 'newsletter', registryUrl: REGISTRY_URL, topic: 'acme.customer-profiles.v1' } } });
    expect(() => kafkaSubscription(profiles, () => undefined, async () => fakeConsumer().consumer as unknown as FeedConsumer, nothingLost)).toThrow(
      'acme.customer-profiles.v1 holds customers\' states, not their changes: subscribe to the events topic',
    );
  });
});
