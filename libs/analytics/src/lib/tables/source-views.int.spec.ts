import { migrateAnalytics, type ClickHouseClient } from '@cdp/clickhouse';
import { THROWAWAY_CLICKHOUSE_ENGINES } from '@cdp/clickhouse/testing';
import { DEFAULT_SCHEMAS_DIR, loadSchemaCatalog, readSchemaSources, SchemaCatalog, type SchemaSources, type Touchpoint } from '@cdp/events';
import { analyticsRowsOf } from '../sink/analytics-rows';
import { ANALYTICS_MIGRATIONS } from './analytics-migrations';
import { SourceViewError, syncSourceViews } from './source-views';

const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);

const PROBE_FIELDS = [
  { name: 'score', type: ['null', 'int'], default: null },
  { name: 'ratio', type: 'double' },
  { name: 'flag', type: 'boolean' },
  { name: 'channel', type: 'string' },
];
const PROBE_V1 = [...PROBE_FIELDS, { name: 'note', type: ['null', 'string'], default: null }];
/** v1's note renamed, and two fields added: one with a default, one nullable. */
const PROBE_V2 = [
  ...PROBE_FIELDS,
  { name: 'remark', type: ['null', 'string'], default: null, aliases: ['note'] },
  { name: 'level', type: 'int', default: 3 },
  { name: 'tier', type: ['null', 'string'], default: null },
];

/** The repository's sources plus a `probe` type with analytics columns and these shipped views, at v1 or at v1 and v2. */
function catalogWithProbe(views: Record<string, string>, versions: 'v1' | 'v2' = 'v1'): SchemaCatalog {
  const payload = (fields: object[]) => ({ type: 'record', name: 'ProbePayload', namespace: 'cdp.touchpoints', fields });
  const payloads = versions === 'v1' ? { v1: payload(PROBE_V1) } : { v1: payload(PROBE_V1), v2: payload(PROBE_V2) };
  const columns = versions === 'v1' ? ['score', 'ratio', 'flag', 'channel', 'note'] : ['score', 'ratio', 'flag', 'channel', 'remark', 'level', 'tier'];
  const manifest = { type: 'probe', owner: 'qa', compatibility: 'backward', money: [], identifiers: {}, channel: { field: 'channel' }, columns, bounds: {} } as const;
  const id = Math.max(...sources.ids.map((entry) => entry.id)) + 1;
  return new SchemaCatalog({
    ...sources,
    touchpoints: { ...sources.touchpoints, probe: { manifest, payloads, views } },
    ids: [...sources.ids, ...Object.keys(payloads).map((version, n) => ({ id: id + n, schema: 'touchpoints/probe', payload: version, envelope: 'v1' }))],
  } as SchemaSources);
}

function probe(eventId: string, email: string, payload: Record<string, unknown>): Touchpoint {
  return {
    eventId,
    type: 'probe',
    source: 'qa',
    occurredAt: '2026-03-04T10:00:00.000Z',
    receivedAt: '2026-03-04T10:00:01.000Z',
    identifiers: { customerId: null, email, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null },
    traits: null,
    consent: null,
    attributes: {},
    payload,
  } as Touchpoint;
}

const MONTHLY = "SELECT toStartOfMonth(occurred_at) AS month, count() AS answers, countIf(score >= 9) AS high FROM probe_touchpoints GROUP BY month";

describe.each(THROWAWAY_CLICKHOUSE_ENGINES)('the views of registered sources on %s', (_, open) => {
  let client: ClickHouseClient;

  beforeAll(async () => {
    client = await open();
    await migrateAnalytics(client, ANALYTICS_MIGRATIONS);
    const touchpoints = [
      probe('00000000-0000-4000-8000-000000000001', 'a@b.co', { score: 9, ratio: 0.25, flag: true, channel: 'email', note: 'kind' }),
      probe('00000000-0000-4000-8000-000000000002', 'c@d.co', { score: null, ratio: 1, flag: false, channel: 'sms', note: null }),
    ];
    await client.insert('touchpoint_fields', touchpoints.map((t) => analyticsRowsOf(t, t.payload.channel as string).fields!) as unknown as Record<string, unknown>[]);
    await client.insert('identity_map', [{ key: 'email:a@b.co', customer_id: 'cus_a', version: 1 }]);
  });
  afterAll(() => client.close());

  it("shows a type's columns typed from its schema, null where a touchpoint had none, and the views it ships", async () => {
    await syncSourceViews(client, catalogWithProbe({ probe_monthly: MONTHLY }));

    expect(await client.query('SELECT event_id, customer_id, channel, score, ratio, flag, note FROM probe_touchpoints ORDER BY event_id')).toEqual([
      { event_id: '00000000-0000-4000-8000-000000000001', customer_id: 'cus_a', channel: 'email', score: '9', ratio: 0.25, flag: 1, note: 'kind' },
      { event_id: '00000000-0000-4000-8000-000000000002', customer_id: 'cus_00000000000040008000000000000002', channel: 'sms', score: null, ratio: 1, flag: 0, note: null },
    ]);
    expect(await client.query('SELECT month, answers, high FROM probe_monthly')).toEqual([{ month: '2026-03-01', answers: '2', high: '1' }]);
  });

  it('reads what an earlier version wrote as that version reads it: a renamed field under its alias, a field added since at its default', async () => {
    const written = probe('00000000-0000-4000-8000-000000000003', 'e@f.co', { score: 1, ratio: 0.5, flag: true, channel: 'web', remark: 'new', level: 5, tier: 'gold' });
    await client.insert('touchpoint_fields', [analyticsRowsOf(written, 'web').fields!] as unknown as Record<string, unknown>[]);
    await syncSourceViews(client, catalogWithProbe({}, 'v2'));

    expect(await client.query('SELECT event_id, remark, level, tier FROM probe_touchpoints ORDER BY event_id')).toEqual([
      { event_id: '00000000-0000-4000-8000-000000000001', remark: 'kind', level: '3', tier: null },
      { event_id: '00000000-0000-4000-8000-000000000002', remark: null, level: '3', tier: null },
      { event_id: '00000000-0000-4000-8000-000000000003', remark: 'new', level: '5', tier: 'gold' },
    ]);
  });

  it('makes the views anew at every start, so a changed view takes effect', async () => {
    await syncSourceViews(client, catalogWithProbe({ probe_monthly: `${MONTHLY} HAVING answers > 5` }));

    expect(await client.query('SELECT * FROM probe_monthly')).toEqual([]);
  });

  it('refuses a view named like a table of the platform, and a query ClickHouse refuses, naming the file', async () => {
    await expect(syncSourceViews(client, catalogWithProbe({ touchpoints_daily: 'SELECT 1' }))).rejects.toThrow(
      new SourceViewError('schemas/touchpoints/probe/views/touchpoints_daily.sql: the view name touchpoints_daily is taken by a table or view of the platform; rename the view'),
    );
    await expect(syncSourceViews(client, catalogWithProbe({ probe_broken: 'SELECT nope FROM probe_touchpoints' }))).rejects.toThrow(
      /schemas\/touchpoints\/probe\/views\/probe_broken\.sql: ClickHouse refused the view probe_broken: .*nope/,
    );
    expect(await client.query("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'touchpoints_daily' AND engine = 'View'")).toEqual([{ n: '1' }]);
  });

  it('puts back the views it had replaced when ClickHouse refuses one, so a refused start leaves the views as they were', async () => {
    await syncSourceViews(client, catalogWithProbe({ probe_monthly: MONTHLY }));
    const broken = catalogWithProbe({ probe_monthly: MONTHLY, probe_new: 'SELECT 1 AS one', probe_broken: 'SELECT nope FROM probe_touchpoints' }, 'v2');

    await expect(syncSourceViews(client, broken)).rejects.toThrow(/probe_broken\.sql: ClickHouse refused the view probe_broken/);

    // v1's columns (note, not v2's remark), and the view that reads them.
    expect(await client.query('SELECT event_id, note FROM probe_touchpoints ORDER BY event_id LIMIT 1')).toEqual([{ event_id: '00000000-0000-4000-8000-000000000001', note: 'kind' }]);
    expect(await client.query('SELECT sum(answers) AS answers FROM probe_monthly')).toEqual([{ answers: expect.any(String) }]);
    expect(await client.query("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name IN ('probe_broken', 'probe_new')")).toEqual([{ n: '0' }]);
    // Nor is the view made and then dropped again listed as one of the platform's.
    expect(await client.query("SELECT count() AS n FROM source_views WHERE name IN ('probe_broken', 'probe_new')")).toEqual([{ n: '0' }]);
  });

  it('makes the views the shipped sources define, such as survey_scores_monthly', async () => {
    await syncSourceViews(client, loadSchemaCatalog());

    expect(await client.query('SELECT * FROM survey_scores_monthly')).toEqual([]);
    expect(await client.query('SELECT count() AS n FROM survey_response_touchpoints')).toEqual([{ n: '0' }]);
  });
});
