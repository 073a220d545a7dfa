import { Type } from 'avsc';
import type { CustomerChange } from '@cdp/feed';
import { CustomerFeedError } from '../customer-subscription';
import { CdpApiError } from '../http/cdp-api-error';
import { endpoint } from '../http/endpoint';

const MAGIC_BYTE = 0;
/** The record of the events topic's values (schemas/feed/customer-change), by its name without namespace, which a later version may change. */
const CUSTOMER_CHANGE = 'CustomerChange';
const HEADER_BYTES = 5;

export interface SchemaRegistryAccess {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly fetch?: typeof fetch | undefined;
}

/**
 * Decodes message values in the Confluent wire format (a zero byte, the schema id as a big-endian
 * int32, the Avro binary) with the writer's schema from the registry, fetched once per id. Unions
 * come unwrapped, so a change has the same shape as the JSON of the SSE stream.
 */
export function customerChangeDecoder(registry: SchemaRegistryAccess): (value: Buffer) => Promise<CustomerChange> {
  const fetchImpl = registry.fetch ?? globalThis.fetch;
  const types = new Map<number, Promise<Type>>();
  // A registry that served none of the feed's schemas may be the wrong one: its 404s are failures to retry, not messages to pass over.
  let served = false;

  async function fetchType(schemaId: number): Promise<Type> {
    const path = `/schemas/ids/${schemaId}`;
    const response = await fetchImpl(endpoint(registry.url, path), {
      headers: { ...registry.headers, accept: 'application/vnd.schemaregistry.v1+json, application/json' },
    });
    if (!response.ok) throw await CdpApiError.from(response, `GET ${path}`);
    const { schema } = (await response.json()) as { schema: string };
    const type = Type.forSchema(JSON.parse(schema), { wrapUnions: 'never', omitRecordMethods: true });
    served = true;
    return type;
  }

  function typeOf(schemaId: number): Promise<Type> {
    let type = types.get(schemaId);
    if (type === undefined) {
      type = fetchType(schemaId);
      types.set(schemaId, type);
      // A failed fetch is not cached: the next message asks again.
      type.catch(() => types.delete(schemaId));
    }
    return type;
  }

  return async (value) => {
    if (value.length < HEADER_BYTES || value.readUInt8(0) !== MAGIC_BYTE) {
      throw new CustomerFeedError('FEED.INVALID_MESSAGE', 'the message is not in the Confluent wire format: expected a zero magic byte and a 4-byte schema id');
    }
    const schemaId = value.readInt32BE(1);
    const type = await typeOf(schemaId).catch((error: unknown) => {
      // The registry has no such schema: no retry will decode this message. Other failures (the registry away) may pass.
      if (served && error instanceof CdpApiError && error.status === 404) throw new CustomerFeedError('FEED.INVALID_MESSAGE', `schema id ${schemaId} is not in the registry`);
      throw error;
    });
    if (type.name?.split('.').pop() !== CUSTOMER_CHANGE) {
      throw new CustomerFeedError('FEED.INVALID_MESSAGE', `schema id ${schemaId} is ${type.name ?? 'not a named record'}, not a ${CUSTOMER_CHANGE}: a message of another topic than the feed's events`);
    }
    try {
      return type.fromBuffer(value.subarray(HEADER_BYTES)) as CustomerChange;
    } catch (error) {
      throw new CustomerFeedError('FEED.INVALID_MESSAGE', `the message does not decode with schema id ${schemaId}: ${(error as Error).message}`);
    }
  };
}
