import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCHEMAS_DIR } from '@cdp/events';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { eventually } from '../support/eventually';
import { rebuildAndWait } from '../support/admin-client';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

const FIXTURES = join(__dirname, '../fixtures/sources');

/** Appends a published version of a touchpoint type to schema-ids.json, as `cdp source add` does; returns its id. */
function publish(schemasDir: string, touchpointType: string, payload: string): number {
  const file = join(schemasDir, 'schema-ids.json');
  const registry = JSON.parse(readFileSync(file, 'utf8')) as { ids: { id: number }[] };
  const id = Math.max(...registry.ids.map((entry) => entry.id)) + 1;
  registry.ids.push({ id, schema: `touchpoints/${touchpointType}`, payload, envelope: 'v1' } as { id: number });
  writeFileSync(file, JSON.stringify(registry, null, 2));
  return id;
}

const chat = (identifiers: object, payload: object, occurredAt = '2026-11-20T10:00:00Z') => ({ eventId: randomUUID(), type: 'chat_message', source: 'web-chat', occurredAt, identifiers, payload });

describe('a new event source added as a folder of schemas, with no code change (embedded)', () => {
  const schemasDir = mkdtempSync(join(tmpdir(), 'cdp-schemas-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'cdp-data-'));
  const email = `sara.${randomUUID().slice(0, 8)}@example.com`;
  let platform: PlatformUnderTest | undefined;
  const start = async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { CDP_SCHEMAS_DIR: schemasDir, CDP_DATA_DIR: dataDir });
    return platform;
  };
  const sql = async (query: string) => {
    const { status, body } = await platform!.post('/v1/admin/sql', { query });
    if (status !== 200) throw new Error(`${query}: ${status} ${JSON.stringify(body)}`);
    return body.rows as Record<string, unknown>[];
  };
  /** Stops the platform, adds the version's payload and the manifest's change, publishes the version and starts again. */
  const upgrade = async (version: string, columns: (columns: string[]) => string[]) => {
    await platform!.close();
    platform = undefined;
    cpSync(join(FIXTURES, `upgrades/chat_message/${version}.avsc`), join(schemasDir, `touchpoints/chat_message/${version}.avsc`));
    const manifestFile = join(schemasDir, 'touchpoints/chat_message/manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, columns: columns(manifest.columns) }));
    publish(schemasDir, 'chat_message', version);
    await start();
  };
  const profileWith = (chats: number) =>
    eventually(async () => {
      const { status, body } = await platform!.get(`/v1/customers?identifier=email:${encodeURIComponent(email)}`);
      return status === 200 && body.activity.byType.chat_message?.count === chats ? body : undefined;
    }, `the profile to count ${chats} chats`);

  beforeAll(() => {
    cpSync(DEFAULT_SCHEMAS_DIR, schemasDir, { recursive: true });
    cpSync(join(FIXTURES, 'chat_message'), join(schemasDir, 'touchpoints/chat_message'), { recursive: true });
    publish(schemasDir, 'chat_message', 'v1');
  });
  afterAll(async () => {
    await platform?.close();
    rmSync(schemasDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts the new type, counts it on the profile and lands it in its ClickHouse views; refuses a value out of its bounds', async () => {
    await start();
    const refused = await platform!.post('/v1/touchpoints', { touchpoints: [chat({ email }, { conversationId: 'c-0', messages: 2, rating: 7, resolved: false })] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ index: 0, path: 'payload.rating', message: 'must be from 1 to 5, not 7' })]);

    const accepted = await platform!.post('/v1/touchpoints', {
      touchpoints: [
        chat({ email }, { conversationId: 'c-1', visitorId: 'visitor-1', messages: 12, rating: 5, resolved: true }),
        // Only the widget's visitor id, which the manifest names a deviceId: it lands on the same customer.
        chat({}, { conversationId: 'c-2', visitorId: 'visitor-1', messages: 3, resolved: false }, '2026-11-21T09:30:00Z'),
      ],
    });
    expect(accepted.status).toBe(202);

    const profile = await profileWith(2);
    expect(profile.activity.byType.chat_message).toEqual({ count: 2, lastAt: '2026-11-21T09:30:00.000Z' });
    expect(profile.activity.byChannel.chat).toEqual({ count: 2, lastAt: '2026-11-21T09:30:00.000Z' });
    expect(profile.identifiers.deviceId).toEqual(['visitor-1']);

    const rows = await eventually(async () => {
      const found = await sql('SELECT conversationId, messages, rating, resolved, channel, customer_id FROM chat_message_touchpoints ORDER BY conversationId');
      // The identity map reaches ClickHouse a moment after the profile: until then c-2's visitor id resolves to no one.
      return found.length === 2 && found.every((row) => row.customer_id === profile.customerId) ? found : undefined;
    }, 'both chats in chat_message_touchpoints, on the unified customer');
    expect(rows).toEqual([
      { conversationId: 'c-1', messages: '12', rating: '5', resolved: 1, channel: 'chat', customer_id: profile.customerId },
      { conversationId: 'c-2', messages: '3', rating: null, resolved: 0, channel: 'chat', customer_id: profile.customerId },
    ]);
    expect(await sql('SELECT day, chats, resolved_chats, average_rating FROM chat_ratings_daily ORDER BY day')).toEqual([
      { day: '2026-11-20', chats: '1', resolved_chats: '1', average_rating: 5 },
      { day: '2026-11-21', chats: '1', resolved_chats: '0', average_rating: null },
    ]);
  });

  it('still reads the events written with v1 after the type moves to v2 with a new optional field', async () => {
    await upgrade('v2', (columns) => [...columns, 'language']);

    expect((await platform!.post('/v1/touchpoints', chat({ email }, { conversationId: 'c-3', messages: 5, resolved: true, language: 'fa' }, '2026-11-22T08:00:00Z'))).status).toBe(202);
    const profile = await profileWith(3);
    const { body: timeline } = await platform!.get(`/v1/customers/${profile.customerId}/timeline?limit=10`);
    expect(timeline.touchpoints.map((t: { payload: { conversationId: string } }) => t.payload.conversationId)).toEqual(['c-3', 'c-2', 'c-1']);

    const rows = await eventually(async () => {
      const found = await sql('SELECT conversationId, language FROM chat_message_touchpoints ORDER BY conversationId');
      return found.length === 3 ? found : undefined;
    }, 'the three chats in chat_message_touchpoints');
    expect(rows).toEqual([
      { conversationId: 'c-1', language: null },
      { conversationId: 'c-2', language: null },
      { conversationId: 'c-3', language: 'fa' },
    ]);
  });

  it('reads what earlier versions wrote as the latest reads it, after a field is renamed and one with a default is added', async () => {
    await upgrade('v3', (columns) => [...columns.map((column) => (column === 'messages' ? 'messageCount' : column)), 'topic']);
    expect((await platform!.post('/v1/touchpoints', chat({ email }, { conversationId: 'c-4', messageCount: 7, resolved: true, topic: 'refunds' }, '2026-11-23T08:00:00Z'))).status).toBe(202);
    const profile = await profileWith(4);

    // In ClickHouse, the rows kept since v1 are read under the field's new name, and at the added field's default.
    const expected = [
      { conversationId: 'c-1', messageCount: '12', topic: 'general' },
      { conversationId: 'c-2', messageCount: '3', topic: 'general' },
      { conversationId: 'c-3', messageCount: '5', topic: 'general' },
      { conversationId: 'c-4', messageCount: '7', topic: 'refunds' },
    ];
    const rows = () => sql('SELECT conversationId, messageCount, topic FROM chat_message_touchpoints ORDER BY conversationId');
    expect(await eventually(async () => ((await rows()).length === 4 ? rows() : undefined), 'the four chats in chat_message_touchpoints')).toEqual(expected);

    // The embedded log keeps touchpoints as JSON: a rebuild reads each with v3, as the Kafka log's Avro would.
    await rebuildAndWait(platform!.url);
    const { body: timeline } = await platform!.get(`/v1/customers/${profile.customerId}/timeline?limit=10`);
    expect(timeline.touchpoints.map(({ payload: { conversationId, messageCount, messages, topic } }: { payload: Record<string, unknown> }) => ({ conversationId, messageCount, messages, topic }))).toEqual(
      [...expected].reverse().map(({ conversationId, messageCount, topic }) => ({ conversationId, messageCount: Number(messageCount), messages: undefined, topic })),
    );
  });
});
