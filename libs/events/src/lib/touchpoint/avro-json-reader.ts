import type { Type } from 'avsc';
import { amountWithinLimits, MAX_AMOUNT_INTEGER_DIGITS, MAX_AMOUNT_SCALE } from '@cdp/money';
import { calendarDateProblem, notACalendarDateProblem } from '../time/calendar-checks';
import { instantProblem, utcInstant } from '../time/utc-instant';
import { calendarDate, currencyCode, exactDecimal, numberText } from './exact-json-values';
import type { FieldError } from './field-error';
import { isStorable, UNSTORABLE_MESSAGE } from '../text/storable-text';

/** Fields that hold money, by shape path ("payload.items[].unitPrice"): amounts and currencies. */
export interface MoneyPaths {
  readonly amounts: ReadonlySet<string>;
  readonly currencies: ReadonlySet<string>;
}

/**
 * Reads a JSON value as a value of an Avro type, in the platform's canonical form, and lists every
 * field that does not fit. Absent fields take their schema default; unknown fields are refused.
 */
export type AvroJsonReader = (json: unknown, errors: FieldError[]) => unknown;

/**
 * Where a value sits: record field names and map keys, and array indices. Readers push and pop it
 * as they descend, and spell it out ("payload.items[0].unitPrice") only for an error.
 */
type Path = (string | number)[];

type Read = (json: unknown, errors: FieldError[], path: Path) => unknown;

/**
 * The shape of a value's place, indices dropped ("payload.items[].unitPrice"), to match money
 * paths; null below a map that holds no money, where no place can match.
 */
type Shape = string | null;

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const AMOUNT = 'must be a non-negative decimal amount, as a string ("300000.50") or a number';
const TOTAL = `${AMOUNT}, with at most ${MAX_AMOUNT_INTEGER_DIGITS} digits before the point and ${MAX_AMOUNT_SCALE} after`;
const CURRENCY = 'must be an ISO 4217 currency code, e.g. "IRR" or "EUR"';
const TOMAN = 'names the toman, which has no ISO 4217 code: send the amount in rials, ten times the tomans, with "IRR"';
/** How Iranian systems write the toman, the unit of ten rials prices are quoted in. */
const isToman = (json: unknown) => typeof json === 'string' && /^\s*(?:IRT|TMN|TOMAN|TOMANS|تومان)\s*$/iu.test(json);

/**
 * Compiles the reader of an Avro type once, so that reading a value walks prepared closures
 * instead of inspecting the schema, and builds no path text unless a field is refused.
 */
export function compileAvroJsonReader(type: Type, money: MoneyPaths): AvroJsonReader {
  const read = compile(type, money, '');
  return (json, errors) => read(json, errors, []);
}

function compile(type: Type, money: MoneyPaths, shape: Shape): Read {
  if (shape !== null && money.amounts.has(shape)) {
    // A total at the top of the payload is what read models sum and the analytics tables keep; a price in a list may be finer.
    if (/^payload\.[^.[]+$/.test(shape)) {
      return (json, errors, path) => {
        const amount = exactDecimal(json);
        return amount !== undefined && amountWithinLimits(amount) !== undefined ? amount : fail(errors, path, TOTAL);
      };
    }
    return (json, errors, path) => exactDecimal(json) ?? fail(errors, path, AMOUNT);
  }
  if (shape !== null && money.currencies.has(shape)) return (json, errors, path) => currencyCode(json) ?? fail(errors, path, isToman(json) ? TOMAN : CURRENCY);
  const name = type.typeName;
  const nullable = name === 'null' || (name.startsWith('union') && acceptsNull(type));
  const readValue = compileValue(type, money, shape);
  return (json, errors, path) => {
    if (json !== undefined && json !== null) return readValue(json, errors, path);
    return nullable ? null : fail(errors, path, json === null ? 'must not be null' : 'is required');
  };
}

/** The reader of a value that is neither undefined nor null. */
function compileValue(type: Type, money: MoneyPaths, shape: Shape): Read {
  const name = type.typeName;
  switch (name) {
    case 'logical:timestamp-millis':
      return (json, errors, path) => utcInstant(json) ?? fail(errors, path, instantProblem(json));
    case 'logical:date':
      return (json, errors, path) => {
        const date = calendarDate(json);
        if (date === undefined) return fail(errors, path, notACalendarDateProblem(json));
        const problem = calendarDateProblem(date);
        return problem === undefined ? date : fail(errors, path, problem);
      };
    case 'string':
      return (json, errors, path) => {
        if (typeof json !== 'string') return fail(errors, path, 'must be a string');
        return isStorable(json) ? json : fail(errors, path, UNSTORABLE_MESSAGE);
      };
    case 'boolean':
      return (json, errors, path) => (typeof json === 'boolean' ? json : fail(errors, path, 'must be true or false'));
    case 'int':
    case 'long': {
      const [min, max] = name === 'int' ? [INT32.min, INT32.max] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      const message = `must be a whole number between ${min} and ${max}`;
      return (json, errors, path) => {
        const text = numberText(json);
        // 60.0 is a whole number as JSON Schema's integer takes it: Python and pandas write whole floats so.
        const n = text !== undefined && /^-?\d+(?:\.0+)?$/.test(text) ? Number(text) : undefined;
        return n !== undefined && n >= min && n <= max ? n : fail(errors, path, message);
      };
    }
    case 'float':
    case 'double':
      return (json, errors, path) => {
        const text = numberText(json);
        return text !== undefined ? Number(text) : fail(errors, path, 'must be a number');
      };
    case 'enum': {
      const symbols = (type as unknown as { symbols: string[] }).symbols;
      const message = `must be one of: ${symbols.join(', ')}`;
      return (json, errors, path) => (typeof json === 'string' && symbols.includes(json) ? json : fail(errors, path, message));
    }
    case 'array':
      return compileArray((type as unknown as { itemsType: Type }).itemsType, money, shape);
    case 'map':
      return compileMap((type as unknown as { valuesType: Type }).valuesType, money, shape);
    case 'record':
      return compileRecord(type, money, shape);
    default: {
      if (name.startsWith('union')) return compileUnion(type, money, shape);
      const message = `has an Avro type (${name}) that JSON input cannot carry`;
      return (_json, errors, path) => fail(errors, path, message);
    }
  }
}

function compileArray(itemsType: Type, money: MoneyPaths, shape: Shape): Read {
  const readItem = lazily(() => compile(itemsType, money, shape === null ? null : `${shape}[]`));
  return (json, errors, path) => {
    if (!Array.isArray(json)) return fail(errors, path, 'must be a list');
    const items: unknown[] = [];
    for (let i = 0; i < json.length; i++) {
      path.push(i);
      items.push(readItem()(json[i], errors, path));
      path.pop();
    }
    return items;
  };
}

function compileMap(valuesType: Type, money: MoneyPaths, shape: Shape): Read {
  const readValues = lazily(() => compile(valuesType, money, null));
  // A map's keys are part of its values' shapes: where money may sit below, each key is compiled as it comes.
  const readValueAt = mayHoldMoney(money, shape) ? (key: string) => compile(valuesType, money, childShape(shape, key)) : readValues;
  return (json, errors, path) => {
    if (!isPlainObject(json)) return fail(errors, path, 'must be an object');
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(json)) {
      path.push(key);
      if (!isStorable(key)) fail(errors, path, `is a key that ${UNSTORABLE_MESSAGE.replace('must not contain', 'contains')}, which cannot be stored`);
      // JavaScript reads "__proto__" as an object's prototype, not as a key: decoders drop it (Avro's, in servers mode).
      else if (key === '__proto__') fail(errors, path, 'is a key JavaScript cannot keep in an object (it names the prototype): rename it');
      else setOwn(values, key, readValueAt(key)(json[key], errors, path));
      path.pop();
    }
    return values;
  };
}

interface CompiledField {
  readonly name: string;
  /** The schema default to read when the field is absent; undefined when there is none to take. */
  readonly fallback: unknown;
  readonly read: () => Read;
}

function compileRecord(type: Type, money: MoneyPaths, shape: Shape): Read {
  const declared = (type as unknown as { fields: { name: string; type: Type; defaultValue(): unknown }[] }).fields;
  const known = new Set(declared.map((f) => f.name));
  const unknownField = `is not a field of ${type.name ?? 'this record'}; its fields are ${[...known].join(', ')}`;
  const fields: CompiledField[] = declared.map((field) => {
    const at = childShape(shape, field.name);
    // Money has no default: an absent amount or currency is refused, whatever the schema says.
    const isMoney = at !== null && (money.amounts.has(at) || money.currencies.has(at));
    return { name: field.name, fallback: isMoney ? undefined : field.defaultValue(), read: lazily(() => compile(field.type, money, at)) };
  });
  return (json, errors, path) => {
    if (!isPlainObject(json)) return fail(errors, path, 'must be an object');
    for (const key in json) {
      if (Object.hasOwn(json, key) && !known.has(key)) errors.push({ path: pathText([...path, key]), message: unknownField });
    }
    const record: Record<string, unknown> = {};
    for (const { name, fallback, read } of fields) {
      const given = json[name];
      path.push(name);
      setOwn(record, name, read()(given === undefined ? fallback : given, errors, path));
      path.pop();
    }
    return record;
  };
}

function compileUnion(type: Type, money: MoneyPaths, shape: Shape): Read {
  const branches = (type as unknown as { types: Type[] }).types.filter((t) => t.typeName !== 'null');
  if (branches.length === 1) return compileValue(branches[0], money, shape);
  const readers = branches.map((branch) => lazily(() => compile(branch, money, shape)));
  const message = `must be one of: ${branches.map((b) => b.name ?? b.typeName).join(', ')}`;
  return (json, errors, path) => {
    for (const reader of readers) {
      const branchErrors: FieldError[] = [];
      const value = reader()(json, branchErrors, path);
      if (branchErrors.length === 0) return value;
    }
    return fail(errors, path, message);
  };
}

function fail(errors: FieldError[], path: Path, message: string): undefined {
  errors.push({ path: pathText(path) || '(root)', message });
  return undefined;
}

/** "payload.items[0].unitPrice"; a key that is not a plain name is quoted: attributes["utm source"]. */
function pathText(path: Path): string {
  let text = '';
  for (const segment of path) text = typeof segment === 'number' ? `${text}[${segment}]` : join(text, segment);
  return text;
}

function childShape(shape: Shape, key: string): Shape {
  return shape === null ? null : join(shape, key);
}

/** The path of a key below `base`: "payload.amount", or quoted when not a plain name, 'consent["e mail"]'. */
export function join(base: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
  return base === '' ? segment : segment.startsWith('"') ? `${base}[${segment}]` : `${base}.${segment}`;
}

function mayHoldMoney(money: MoneyPaths, shape: Shape): boolean {
  if (shape === null) return false;
  return [...money.amounts, ...money.currencies].some((p) => shape === '' || p.startsWith(`${shape}.`) || p.startsWith(`${shape}[`));
}

/** Compiles on first use, so that a recursive type compiles only as deep as its values go. */
function lazily(compileOnce: () => Read): () => Read {
  let read: Read | undefined;
  return () => (read ??= compileOnce());
}

/** Sets a key as an own property, even "__proto__", as Object.fromEntries would. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function acceptsNull(type: Type): boolean {
  return (type as unknown as { types: Type[] }).types.some((t) => t.typeName === 'null');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
