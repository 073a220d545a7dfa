import { checkSchemaFolder } from '../compatibility/schema-folder-check';
import { DEFAULT_SCHEMAS_DIR, readSchemaSources } from './load-schema-catalog';
import { SchemaCatalog } from './schema-catalog';
import type { SchemaSources } from './schema-sources';

const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
const nextId = Math.max(...sources.ids.map((entry) => entry.id)) + 1;

const manifestOf = (type: string) => ({ type, owner: 'qa', compatibility: 'backward' as const, money: [], identifiers: {}, channel: null, columns: [], bounds: {} });
const payloadOf = (name: string, ...fields: object[]) => ({ type: 'record', name, namespace: 'cdp.touchpoints', fields: [{ name: 'note', type: 'string' }, ...fields] });

/** The repository's sources plus these types, each with its payload as v1. */
function withTypes(types: Record<string, object>): SchemaSources {
  const added = Object.fromEntries(Object.entries(types).map(([type, payload]) => [type, { manifest: manifestOf(type), payloads: { v1: payload } }]));
  const ids = Object.keys(types).map((type, i) => ({ id: nextId + i, schema: `touchpoints/${type}`, payload: 'v1', envelope: 'v1' }));
  return { ...sources, touchpoints: { ...sources.touchpoints, ...added }, ids: [...sources.ids, ...ids] };
}

/** The catalog and `cdp schema check` refuse alike. */
function expectRefused(bad: SchemaSources, message: string): void {
  expect(() => new SchemaCatalog(bad)).toThrow(message);
  expect(() => checkSchemaFolder(bad)).toThrow(message);
}

describe("a touchpoint type's schema", () => {
  it('refuses two types that make one touchpoint record, which would share its registry subject, naming both', () => {
    expectRefused(
      withTypes({ a1: payloadOf('A1Payload'), a_1: payloadOf('A1Payload') }),
      'schemas/touchpoints/a_1 and schemas/touchpoints/a1: the types "a1" and "a_1" both make the touchpoint record A1, whose full name is the registry subject of a type, so they would share one: rename one of the types',
    );
  });

  it.each([
    [
      'a payload enum named like an envelope type',
      { ticket: payloadOf('TicketPayload', { name: 'consent', type: { type: 'enum', name: 'ConsentStatus', symbols: ['yes', 'no'] } }) },
      'schemas/touchpoints/ticket/v1.avsc is not valid Avro: the payload defines cdp.touchpoints.ConsentStatus, a name schemas/envelope/v1.avsc already gives one of its types: rename the record or enum in the payload, e.g. "TicketConsentStatus"',
    ],
    [
      'a type named like an envelope type',
      { identifiers: payloadOf('IdentifiersPayload') },
      'schemas/touchpoints/identifiers/v1.avsc is not valid Avro: the type name "identifiers" makes the touchpoint record cdp.touchpoints.Identifiers, a name schemas/envelope/v1.avsc gives one of its own types: choose another type name',
    ],
    [
      "a payload record named like the type's touchpoint record",
      { ticket: payloadOf('Ticket') },
      'schemas/touchpoints/ticket/v1.avsc is not valid Avro: the payload defines cdp.touchpoints.Ticket, the name of the touchpoint record of type "ticket" (the envelope\'s fields and the payload): rename the record or enum in the payload, e.g. "TicketDetails"',
    ],
    [
      'a payload that defines a name twice',
      { ticket: payloadOf('TicketPayload', ...['first', 'second'].map((name) => ({ name, type: { type: 'enum', name: 'Mood', symbols: ['calm'] } }))) },
      'schemas/touchpoints/ticket/v1.avsc is not valid Avro: the payload defines cdp.touchpoints.Mood twice: rename one, or define it once and refer to it by name ("cdp.touchpoints.Mood") after that',
    ],
  ])('refuses %s, saying which schema defines the name already and what to do', (_, types, message) => {
    expectRefused(withTypes(types), `schemas/schema-ids.json id ${nextId}: ${message}`);
  });
});
