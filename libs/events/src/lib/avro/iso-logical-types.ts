import { Type, types } from 'avsc';
import { MS_PER_DAY } from '../time/utc-instant';

/**
 * Avro logical types as the platform holds them in memory: a timestamp-millis is an ISO 8601 UTC
 * string ("2026-11-20T10:15:00.000Z") and a date is "YYYY-MM-DD". So one canonical form serves
 * JSON, Postgres and Avro alike, while the wire keeps the standard Avro encodings.
 */
class IsoTimestampMillis extends types.LogicalType {
  override _fromValue(millis: number): string {
    return new Date(millis).toISOString();
  }
  override _toValue(value: unknown): number | undefined {
    return typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : undefined;
  }
  override _resolve(writer: Type) {
    if (Type.isType(writer, 'long', 'logical:timestamp-millis')) return (value: number | string) => (typeof value === 'string' ? value : this._fromValue(value));
    return undefined;
  }
}

class IsoDate extends types.LogicalType {
  override _fromValue(days: number): string {
    return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
  }
  override _toValue(value: unknown): number | undefined {
    return typeof value === 'string' && ISO_DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) / MS_PER_DAY : undefined;
  }
  override _resolve(writer: Type) {
    if (Type.isType(writer, 'int', 'logical:date')) return (value: number | string) => (typeof value === 'string' ? value : this._fromValue(value));
    return undefined;
  }
}

/** The canonical forms: what `IsoTimestampMillis` and `IsoDate` produce. */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const isoLogicalTypes = { 'timestamp-millis': IsoTimestampMillis, date: IsoDate };

/** Parses an Avro schema with the platform's logical types. */
export function parseAvroSchema(schema: object): Type {
  return Type.forSchema(schema as never, { logicalTypes: isoLogicalTypes, wrapUnions: false } as never);
}
