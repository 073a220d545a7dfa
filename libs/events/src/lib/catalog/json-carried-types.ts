import type { Type } from 'avsc';
import { visitAvroTypes } from './avro-type-walk';

/** Avro types JSON has no value for: HTTP ingestion refuses a touchpoint that uses them, and Kafka intake dead-letters it. */
const NOT_IN_JSON = ['bytes', 'fixed'];

/** Where the payload has a type no touchpoint could be ingested with, since ingestion reads every touchpoint as JSON. */
export function typesJsonCannotCarry(payloadType: Type): string[] {
  const problems: string[] = [];
  visitAvroTypes(payloadType, 'payload', (type, path) => {
    if (NOT_IN_JSON.includes(type.typeName)) {
      problems.push(`${path} is of the Avro type ${type.typeName}, which JSON input cannot carry, so no touchpoint could be ingested with it: make it a string (base64 text, for example)`);
    }
  });
  return problems;
}
