/**
 * The Confluent wire format: a zero magic byte, the schema id as a big-endian int32, then the
 * Avro binary. Standard Kafka consumers decode it by fetching the schema id from a registry.
 */
const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

export function frameConfluent(schemaId: number, avroBinary: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, avroBinary]);
}

export function unframeConfluent(message: Buffer): { schemaId: number; avroBinary: Buffer } {
  if (message.length < HEADER_BYTES || message.readUInt8(0) !== MAGIC_BYTE) {
    throw new WireFormatError('not in the Confluent wire format: expected a zero magic byte and a 4-byte schema id');
  }
  return { schemaId: message.readInt32BE(1), avroBinary: message.subarray(HEADER_BYTES) };
}

export class WireFormatError extends Error {
  readonly code = 'EVENTS.WIRE_FORMAT';
}
