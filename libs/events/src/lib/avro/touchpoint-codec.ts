import type { SchemaCatalog } from '../catalog/schema-catalog';
import { frameConfluent, unframeConfluent, WireFormatError } from './confluent-wire-format';
import { resolverFor } from './touchpoint-upcaster';

/**
 * Touchpoints as Kafka message values: Avro in the Confluent wire format, written with the latest
 * schema of their type and read with schema resolution from the writer's schema to the latest.
 * It has the shape of the event log's EventCodec port.
 */
export function touchpointCodec(catalog: SchemaCatalog) {
  return {
    encode({ data }: { type: string; data: unknown }): Buffer {
      const touchpointType = (data as { type: string }).type;
      const writer = catalog.latest(touchpointType);
      if (!writer) throw new WireFormatError(`no schema for touchpoint type "${touchpointType}"`);
      return frameConfluent(writer.id, writer.type.toBuffer(data));
    },
    decode(bytes: Buffer): { type: string; data: unknown } {
      const { schemaId, avroBinary } = unframeConfluent(bytes);
      const writer = catalog.byId(schemaId);
      if (!writer) throw new WireFormatError(unknownSchemaIdMessage(schemaId));
      if (writer.kind !== 'touchpoint') throw new WireFormatError(`schema id ${schemaId} is of ${writer.subject}, not a touchpoint schema`);
      const reader = catalog.latest(writer.touchpointType)!;
      const data = reader === writer ? writer.type.fromBuffer(avroBinary) : reader.type.fromBuffer(avroBinary, resolverFor(reader.type, writer.type));
      return { type: writer.touchpointType, data };
    },
  };
}

/**
 * Reading the log, an unknown id means this process started with older schemas than the one that
 * wrote the event (or with a type removed): the caller retries, which a rolling upgrade needs, so
 * the reason says how to end it.
 */
function unknownSchemaIdMessage(schemaId: number): string {
  return (
    `schema id ${schemaId} is not in the schemas/schema-ids.json this process loaded: the event was written with newer schemas, or its type was removed. ` +
    `Restart this process with the schemas folder that holds id ${schemaId} (CDP_SCHEMAS_DIR); it retries until then. ` +
    'Never remove a touchpoint type whose touchpoints are in the log: put its folder and schema-ids.json entries back'
  );
}
