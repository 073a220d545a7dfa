import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { EventCodec, EventLog, RecordedEvent } from '@cdp/event-log';
import { createKafkaEventLog, createPostgresAcceptedEventIds } from '@cdp/event-log-kafka';
import { streamId } from '@cdp/events';
import { listDeadLetters, migrateProjectionTables, readCheckpoint, rebuildProjection, RetryBatchLaterError, runProjection, type ProjectionHandler } from '@cdp/projections';
import { createPostgresSqlClient, quoteIdentifier, type SqlClient } from '@cdp/sql';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { eventually } from '../support/eventually';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const run = randomUUID().slice(0, 8);
const topicPrefix = `cdp-test.${run}.`;
const codec: EventCodec = {
  encode: ({ type, data }) => Buffer.from(JSON.stringify({ type, data })),
  decode: (bytes) => JSON.parse(bytes.toString()) as { type: string; data: unknown },
};

describe('the projection runtime on Kafka (servers)', () => {
  const name = `kafka_groups_${run}`;
  const schema = quoteIdentifier(`projection_runtime_kafka_${run}`);
  let sql: SqlClient;
  let log: EventLog;

  beforeAll(async () => {
    sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
    await migrateProjectionTables(sql);
    await sql.query(`CREATE SCHEMA ${schema}`);
    await sql.query(`CREATE TABLE ${schema}.applied (event_id text PRIMARY KEY)`);
    log = await createKafkaEventLog({
      brokers,
      clientId: `cdp-test-${run}`,
      codec,
      acceptedIds: await createPostgresAcceptedEventIds(sql, { schema: `projection_runtime_kafka_ids_${run}` }),
      partitions: 3,
      topicFor: (category) => `${topicPrefix}${category}`,
      subscribeTo: [new RegExp(`^cdp-test\\.${run}\\.`)],
      consumerTiming: { sessionTimeout: 6_000, rebalanceTimeout: 3_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
      logLevel: logLevel.ERROR,
    });
  });
  afterAll(async () => {
    await log?.close();
    const admin = new Kafka({ clientId: `cdp-test-${run}`, brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    await admin.deleteTopics({ topics });
    await admin.disconnect();
    await sql.query(`DELETE FROM projections.checkpoints WHERE projection = ANY($1::text[])`, [[name, `${name}_failing`]]);
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(`projection_runtime_kafka_ids_${run}`)} CASCADE`);
    await sql.close();
  });

  it("applies the partitions of a fetch in one transaction, and checkpoints each partition at its last event", async () => {
    // One stream per event, so that the events spread over the topic's 3 partitions; all in the log before the runner starts.
    const events = Array.from({ length: 60 }, (_, n) => ({ eventId: randomUUID(), type: 'counted', data: { n } }));
    await log.appendMany(events.map((e) => ({ streamId: streamId('counted', randomUUID()), events: [e] })));
    const batches: RecordedEvent[][] = [];
    const handler: ProjectionHandler = {
      async apply(tx, batch) {
        // A primary key per event: an event applied twice fails its batch.
        await tx.query(`INSERT INTO ${schema}.applied SELECT unnest($1::text[])`, [batch.map((e) => e.eventId)]);
        batches.push([...batch]);
      },
    };

    const runner = await runProjection({ name, handler, log, sql });
    try {
      await eventually(async () => ((await readCheckpoint(sql, name)).processed >= events.length ? true : undefined), 'the projection to apply every event', 30_000);
    } finally {
      await runner.close();
    }

    const { rows } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.applied`);
    expect(Number(rows[0].n)).toBe(events.length);
    const applied = batches.flat();
    expect(new Set(applied.map((e) => e.partition)).size).toBe(3);
    expect(batches.some((batch) => new Set(batch.map((e) => e.partition)).size > 1)).toBe(true);
    const lastOffsets: Record<string, string> = {};
    for (const event of applied) lastOffsets[event.partition] = event.offset;
    expect(await readCheckpoint(sql, name)).toEqual({ checkpoint: lastOffsets, processed: events.length });
    expect(await listDeadLetters(sql, name)).toEqual([]);
  }, 60_000);

  it("removes its rebuild's consumer group once swapped in, whose committed offsets monitoring would show as a growing lag for a week", async () => {
    const rebuilt = `${name}_rebuilt`;
    const group = `projection.${rebuilt}@rebuild`;
    const admin = new Kafka({ clientId: `cdp-test-${run}`, brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    const groupsWhileApplying: string[][] = [];
    const definition = {
      name: rebuilt,
      schema: `rebuilt_${run}`,
      open: async () => ({ apply: async () => void groupsWhileApplying.push((await admin.listGroups()).groups.map((g) => g.groupId)) }),
    };
    try {
      await rebuildProjection({ definition, log, sql });
      expect(groupsWhileApplying.length).toBeGreaterThan(0);
      expect(groupsWhileApplying[0]).toContain(group);
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(group);
      // Forgetting a group that is gone already is no failure.
      await expect(log.forgetSubscriber!(`projection.${rebuilt}@rebuild`)).resolves.toBeUndefined();
    } finally {
      await admin.disconnect();
      await sql.query(`DELETE FROM projections.checkpoints WHERE projection = $1`, [rebuilt]);
      await sql.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(`rebuilt_${run}`)} CASCADE`);
    }
  }, 60_000);

  it('refuses to rebuild from a log that lost its beginning, and changes nothing', async () => {
    const kept = `${name}_kept`;
    const admin = new Kafka({ clientId: `cdp-test-${run}`, brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    try {
      const [first] = await log.appendMany(Array.from({ length: 6 }, (_, n) => ({ streamId: streamId('trimmed', randomUUID()), events: [{ eventId: randomUUID(), type: 'counted', data: { n } }] })));
      const [partition, offset] = first.events[0].position.split(':');
      // What a retention of days does to a topic, or kafka-delete-records: its first message is gone.
      await admin.fetchTopicMetadata({ topics: [`${topicPrefix}trimmed`] });
      await admin.deleteTopicRecords({ topic: `${topicPrefix}trimmed`, partitions: [{ partition: Number(partition.split('/').pop()), offset: String(BigInt(offset) + 1n) }] });
      let opened = 0;
      const definition = { name: kept, schema: `kept_${run}`, open: async () => (opened++, { apply: async () => undefined }) };

      await expect(rebuildProjection({ definition, log, sql })).rejects.toThrow(
        new RegExp(`^${kept} was not rebuilt, and is left as it was: \\d+ messages of the log were deleted before they were read \\(.*${partition.replace(/\./g, '\\.')} begins at offset ${BigInt(offset) + 1n}, where 0 is next to read`),
      );
      expect(opened).toBe(0);
      expect((await sql.query(`SELECT 1 FROM projections.checkpoints WHERE projection LIKE $1`, [`${kept}%`])).rows).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it('reports a failed group once, not once for each of its partitions', async () => {
    const failing = `${name}_failing`;
    const events = Array.from({ length: 30 }, (_, n) => ({ eventId: randomUUID(), type: 'counted', data: { n } }));
    await log.appendMany(events.map((e) => ({ streamId: streamId('counted', randomUUID()), events: [e] })));
    const unavailable = new RetryBatchLaterError('the store is down for one batch');
    const failedGroups: Set<string>[] = [];
    const handler: ProjectionHandler = {
      async apply(_tx, batch) {
        const partitions = new Set(batch.map((e) => e.partition));
        if (failedGroups.length === 0 && partitions.size > 1) {
          failedGroups.push(partitions);
          throw unavailable;
        }
      },
    };
    const reported: unknown[] = [];

    const runner = await runProjection({ name: failing, handler, log, sql, onError: (error) => reported.push(error) });
    try {
      await eventually(async () => ((await readCheckpoint(sql, failing)).processed >= 60 + events.length ? true : undefined), 'the projection to apply every event', 30_000);
    } finally {
      await runner.close();
    }

    expect(failedGroups).toHaveLength(1);
    expect(reported.filter((error) => error === unavailable)).toHaveLength(1);
  }, 60_000);
});
