import type { FeedSchemaId } from '../catalog/feed-schema';
import { DEFAULT_SCHEMAS_DIR, readSchemaSources } from '../catalog/load-schema-catalog';
import type { SchemaSources, TouchpointSchemaId } from '../catalog/schema-sources';
import type { TouchpointManifest } from '../catalog/touchpoint-manifest';
import type { CompatibilityPolicy } from './schema-compatibility';
import { checkSchemaFolder, type SchemaHistoryCheck } from './schema-folder-check';

type Field = { name: string; type: unknown; default?: unknown };

const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
const NEXT_ID = Math.max(...sources.ids.map((entry) => entry.id)) + 1;
const purchaseV1 = sources.touchpoints.purchase.payloads.v1 as { fields: Field[] };
const stateV1 = sources.feed['customer-state'].v1 as { fields: Field[] };

const purchaseWith = (change: (fields: Field[]) => Field[]) => ({ ...purchaseV1, fields: change(purchaseV1.fields) });
const withoutChannel = (fields: Field[]) => fields.filter((field) => field.name !== 'channel');

/** The repository's sources, with purchase under `compatibility` and these payloads published after its v1 as v2, v3, … */
function withPurchaseVersions(compatibility: CompatibilityPolicy, ...payloads: object[]): SchemaSources {
  const purchase = sources.touchpoints.purchase;
  const manifest: TouchpointManifest = { ...purchase.manifest, compatibility };
  const versions = Object.fromEntries(payloads.map((payload, i) => [`v${i + 2}`, payload]));
  const ids: TouchpointSchemaId[] = payloads.map((_, i) => ({ id: NEXT_ID + i, schema: 'touchpoints/purchase', payload: `v${i + 2}`, envelope: 'v1' }));
  return { ...sources, touchpoints: { ...sources.touchpoints, purchase: { manifest, payloads: { ...purchase.payloads, ...versions } } }, ids: [...sources.ids, ...ids] };
}

const historyOf = (checks: SchemaHistoryCheck[], name: string) => checks.find((check) => check.name === name)!;

describe('checking a schemas folder', () => {
  it("passes the repository's schemas: every touchpoint type under its manifest's policy, every feed subject under full", () => {
    const checks = checkSchemaFolder(sources);

    expect(checks.filter((check) => check.problems.length > 0)).toEqual([]);
    expect(historyOf(checks, 'purchase')).toEqual({ kind: 'touchpoint', name: 'purchase', policy: 'backward', versions: [{ version: 1, id: 1 }], problems: [], unsealed: [] });
    expect(historyOf(checks, 'cdp.customer-events.v1-value')).toMatchObject({ kind: 'feed', policy: 'full', versions: [{ version: 1, id: 8 }] });
    expect(checks.filter((check) => check.kind === 'touchpoint').map((check) => check.name).sort()).toEqual(Object.keys(sources.touchpoints).sort());
  });

  it('compares each version with the one before under the policy, naming both', () => {
    const withPoints = purchaseWith((fields) => [...fields, { name: 'points', type: 'long', default: 0 }]);
    const narrowed = purchaseWith((fields) => [...fields, { name: 'points', type: 'int', default: 0 }]);
    const purchase = historyOf(checkSchemaFolder(withPurchaseVersions('backward', withPoints, narrowed)), 'purchase');

    expect(purchase.versions).toEqual([{ version: 1, id: 1 }, { version: 2, id: NEXT_ID }, { version: 3, id: NEXT_ID + 1 }]);
    expect(purchase.problems).toEqual([
      { previous: 2, next: 3, path: 'payload.points', message: 'was long, now int: a narrowed type cannot read the values written with v2 (widen instead, or add a new field)' },
    ]);
  });

  it('requires the latest to read every earlier version whatever the policy, because the log keeps old events', () => {
    const required = purchaseWith((fields) => [...fields, { name: 'comment', type: 'string' }]);
    const forward = historyOf(checkSchemaFolder(withPurchaseVersions('forward', required)), 'purchase');
    expect(forward.problems).toEqual([
      { previous: 1, next: 2, path: 'payload.comment', message: expect.stringMatching(/^the latest version, v2, must read the v1 events the log keeps, whatever the policy: new field without a default/) },
    ]);
    expect(historyOf(checkSchemaFolder(withPurchaseVersions('none', required)), 'purchase').problems).toHaveLength(1);
  });

  it('catches a latest version that reads the one before it but not an older one', () => {
    const removed = purchaseWith(withoutChannel);
    const readded = purchaseWith((fields) => [...withoutChannel(fields), { name: 'channel', type: 'int', default: 0 }]);
    const purchase = historyOf(checkSchemaFolder(withPurchaseVersions('backward', removed, readded)), 'purchase');

    expect(purchase.problems).toEqual([
      { previous: 1, next: 3, path: 'payload.channel', message: expect.stringContaining('the latest version, v3, must read the v1 events the log keeps, whatever the policy: was [null, string], now int') },
    ]);
  });

  it('checks the versions of a change feed subject in order', () => {
    const stateV2 = { ...stateV1, fields: [...stateV1.fields, { name: 'region', type: 'string' }] };
    const entry: FeedSchemaId = { id: NEXT_ID, schema: 'feed/customer-state', version: 'v2', subject: 'cdp.customer-profiles.v1-value' };
    const evolved = { ...sources, feed: { ...sources.feed, 'customer-state': { ...sources.feed['customer-state'], v2: stateV2 } }, ids: [...sources.ids, entry] };

    expect(historyOf(checkSchemaFolder(evolved), 'cdp.customer-profiles.v1-value').problems).toEqual([
      { previous: 1, next: 2, path: 'region', message: expect.stringContaining('new field without a default') },
    ]);
  });

  it("refuses a change feed version that consumers built with the one before could not read: a field removed", () => {
    const stateV2 = { ...stateV1, fields: stateV1.fields.filter((field) => field.name !== 'customerId') };
    const entry: FeedSchemaId = { id: NEXT_ID, schema: 'feed/customer-state', version: 'v2', subject: 'cdp.customer-profiles.v1-value' };
    const evolved = { ...sources, feed: { ...sources.feed, 'customer-state': { ...sources.feed['customer-state'], v2: stateV2 } }, ids: [...sources.ids, entry] };

    expect(historyOf(checkSchemaFolder(evolved), 'cdp.customer-profiles.v1-value').problems).toEqual([
      expect.objectContaining({ previous: 1, next: 2, path: 'customerId' }),
    ]);
  });

  it.each([
    ['a version that is not there', { ...sources, ids: [...sources.ids, { id: NEXT_ID, schema: 'touchpoints/purchase', payload: 'v7', envelope: 'v1' }] }, /id \d+: no schemas\/touchpoints\/purchase\/v7\.avsc/],
    ['a version that is not valid Avro', withPurchaseVersions('backward', { type: 'record', name: 'PurchasePayload', fields: [{ name: 'x', type: 'integer' }] }), /id \d+: schemas\/touchpoints\/purchase\/v2\.avsc is not valid Avro/],
    ['a compatible version under an id used twice', { ...withPurchaseVersions('backward', purchaseV1), ids: [...sources.ids, { id: 1, schema: 'touchpoints/purchase', payload: 'v2', envelope: 'v1' }] }, /id 1: the id is used twice/],
  ])('refuses %s, saying where', (_, bad, message) => {
    expect(() => checkSchemaFolder(bad as SchemaSources)).toThrow(message);
  });
});
