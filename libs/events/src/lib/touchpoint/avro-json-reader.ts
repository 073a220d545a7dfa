import type { Type } from 'avsc';
import { calendarDate, currencyCode, exactDecimal, numberText, utcInstant } from './exact-json-values';
import type { FieldError } from './field-error';

/** Fields that hold money, by shape path ("payload.items[].unitPrice"): amounts and currencies. */
export interface MoneyPaths {
  readonly amounts: ReadonlySet<string>;
  readonly currencies: ReadonlySet<string>;
}

interface Cursor {
  /** Where the value sits, for messages: payload.items[0].unitPrice */
  readonly path: string;
  /** The same with indices dropped, to match money paths: payload.items[].unitPrice */
  readonly shape: string;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/**
 * Reads a JSON value as a value of an Avro type, in the platform's canonical form, and lists every
 * field that does not fit. Absent fields take their schema default; unknown fields are refused.
 */
export function readAvroJson(type: Type, json: unknown, money: MoneyPaths, errors: FieldError[], at: Cursor = { path: '', shape: '' }): unknown {
  const fail = (message: string) => {
    errors.push({ path: at.path || '(root)', message });
    return undefined;
  };
  const name = type.typeName;

  if (money.amounts.has(at.shape)) {
    return exactDecimal(json) ?? fail('must be a non-negative decimal amount, as a string ("300000.50") or a number');
  }
  if (money.currencies.has(at.shape)) {
    return currencyCode(json) ?? fail('must be an ISO 4217 currency code, e.g. "IRR" or "EUR"');
  }
  if (json === undefined || json === null) {
    return name === 'null' || (name.startsWith('union') && acceptsNull(type)) ? null : fail(json === null ? 'must not be null' : 'is required');
  }

  switch (name) {
    case 'logical:timestamp-millis':
      return utcInstant(json) ?? fail('must be an ISO 8601 instant with a time zone, e.g. "2026-11-20T10:15:00Z"');
    case 'logical:date':
      return calendarDate(json) ?? fail('must be a calendar date "YYYY-MM-DD"');
    case 'string':
      return typeof json === 'string' ? json : fail('must be a string');
    case 'boolean':
      return typeof json === 'boolean' ? json : fail('must be true or false');
    case 'int':
    case 'long': {
      const text = numberText(json);
      const n = text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;
      const [min, max] = name === 'int' ? [INT32.min, INT32.max] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      return n !== undefined && n >= min && n <= max ? n : fail(`must be a whole number between ${min} and ${max}`);
    }
    case 'float':
    case 'double': {
      const text = numberText(json);
      return text !== undefined ? Number(text) : fail('must be a number');
    }
    case 'enum': {
      const symbols = (type as unknown as { symbols: string[] }).symbols;
      return typeof json === 'string' && symbols.includes(json) ? json : fail(`must be one of: ${symbols.join(', ')}`);
    }
    case 'array': {
      if (!Array.isArray(json)) return fail('must be a list');
      const items = (type as unknown as { itemsType: Type }).itemsType;
      return json.map((item, i) => readAvroJson(items, item, money, errors, { path: `${at.path}[${i}]`, shape: `${at.shape}[]` }));
    }
    case 'map': {
      if (!isPlainObject(json)) return fail('must be an object');
      const values = (type as unknown as { valuesType: Type }).valuesType;
      return Object.fromEntries(
        Object.entries(json).map(([key, value]) => [key, readAvroJson(values, value, money, errors, child(at, key))]),
      );
    }
    case 'record':
      return readRecord(type, json, money, errors, at, fail);
    default:
      if (name.startsWith('union')) return readUnion(type, json, money, errors, at, fail);
      return fail(`has an Avro type (${name}) that JSON input cannot carry`);
  }
}

function readRecord(type: Type, json: unknown, money: MoneyPaths, errors: FieldError[], at: Cursor, fail: (m: string) => undefined) {
  if (!isPlainObject(json)) return fail('must be an object');
  const fields = (type as unknown as { fields: { name: string; type: Type; defaultValue(): unknown }[] }).fields;
  const known = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(json).filter((k) => !known.has(k))) {
    errors.push({ path: child(at, key).path, message: `is not a field of ${type.name ?? 'this record'}; its fields are ${[...known].join(', ')}` });
  }
  return Object.fromEntries(
    fields.map((field) => {
      const given = json[field.name];
      const value = given === undefined && field.defaultValue() !== undefined && !isMoney(money, child(at, field.name)) ? field.defaultValue() : given;
      return [field.name, readAvroJson(field.type, value, money, errors, child(at, field.name))];
    }),
  );
}

function readUnion(type: Type, json: unknown, money: MoneyPaths, errors: FieldError[], at: Cursor, fail: (m: string) => undefined) {
  const branches = (type as unknown as { types: Type[] }).types.filter((t) => t.typeName !== 'null');
  if (branches.length === 1) return readAvroJson(branches[0], json, money, errors, at);
  for (const branch of branches) {
    const branchErrors: FieldError[] = [];
    const value = readAvroJson(branch, json, money, branchErrors, at);
    if (branchErrors.length === 0) return value;
  }
  return fail(`must be one of: ${branches.map((b) => b.name ?? b.typeName).join(', ')}`);
}

function acceptsNull(type: Type): boolean {
  return (type as unknown as { types: Type[] }).types.some((t) => t.typeName === 'null');
}

function isMoney(money: MoneyPaths, at: Cursor): boolean {
  return money.amounts.has(at.shape) || money.currencies.has(at.shape);
}

function child(at: Cursor, key: string): Cursor {
  const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
  const join = (base: string) => (base === '' ? segment : /^"/.test(segment) ? `${base}[${segment}]` : `${base}.${segment}`);
  return { path: join(at.path), shape: join(at.shape) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
