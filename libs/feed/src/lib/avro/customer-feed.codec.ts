import type { Type } from 'avsc';
import { frameConfluent, unframeConfluent, WireFormatError, type PublishedSchema, type SchemaCatalog } from '@cdp/events';
import { CUSTOMER_EVENTS_TOPIC, CUSTOMER_PROFILES_TOPIC, type CustomerChange, type CustomerFeedState } from '../customer-feed.contract';

/** The registry subjects of the feed topics' values (TopicNameStrategy). */
export const CUSTOMER_PROFILES_SUBJECT = `${CUSTOMER_PROFILES_TOPIC}-value`;
export const CUSTOMER_EVENTS_SUBJECT = `${CUSTOMER_EVENTS_TOPIC}-value`;

type Resolver = ReturnType<Type['createResolver']>;

export interface CustomerFeedCodec {
  /** The schema id new states are written with: the latest of their subject. */
  readonly stateSchemaId: number;
  readonly changeSchemaId: number;
  encodeState(state: CustomerFeedState): Buffer;
  decodeState(bytes: Buffer): CustomerFeedState;
  encodeChange(change: CustomerChange): Buffer;
  decodeChange(bytes: Buffer): CustomerChange;
}

/**
 * The feed topics' values: Avro in the Confluent wire format, written with the latest schema of
 * their subject and read from any earlier version of it by schema resolution.
 */
export function createCustomerFeedCodec(catalog: SchemaCatalog): CustomerFeedCodec {
  const state = subjectCodec<CustomerFeedState>(catalog, CUSTOMER_PROFILES_SUBJECT);
  const change = subjectCodec<CustomerChange>(catalog, CUSTOMER_EVENTS_SUBJECT);
  return {
    stateSchemaId: state.schemaId,
    changeSchemaId: change.schemaId,
    encodeState: state.encode,
    decodeState: state.decode,
    encodeChange: change.encode,
    decodeChange: change.decode,
  };
}

function subjectCodec<T>(catalog: SchemaCatalog, subject: string) {
  const reader = catalog.latestOf(subject);
  if (!reader) throw new WireFormatError(`no schema of ${subject} in schemas/schema-ids.json`);
  const resolvers = new Map<number, Resolver>();
  const resolverFrom = (writer: PublishedSchema): Resolver => {
    const resolver = resolvers.get(writer.id) ?? reader.type.createResolver(writer.type);
    resolvers.set(writer.id, resolver);
    return resolver;
  };
  return {
    schemaId: reader.id,
    encode: (value: T): Buffer => frameConfluent(reader.id, reader.type.toBuffer(value)),
    decode(bytes: Buffer): T {
      const { schemaId, avroBinary } = unframeConfluent(bytes);
      if (schemaId === reader.id) return reader.type.fromBuffer(avroBinary) as T;
      const writer = catalog.byId(schemaId);
      if (writer?.subject !== subject) {
        throw new WireFormatError(`schema id ${schemaId} is not a version of ${subject} in schemas/schema-ids.json${writer ? ` (it is of ${writer.subject})` : ''}`);
      }
      return reader.type.fromBuffer(avroBinary, resolverFrom(writer)) as T;
    },
  };
}
