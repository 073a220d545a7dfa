import { SchemaCatalogError } from './schema-catalog-error';
import { REPLACEABLE_ENVELOPE_COLUMNS, TYPE_VIEW_ENVELOPE_COLUMNS } from './type-view-columns';

/**
 * A touchpoint type's manifest (schemas/touchpoints/<type>/manifest.json): what the platform
 * must know about the type beyond its Avro schema.
 */
export interface TouchpointManifest {
  readonly type: string;
  /** The team that owns the source and answers for its schema. */
  readonly owner: string;
  /** How a new schema version must relate to the previous one. */
  readonly compatibility: 'backward' | 'forward' | 'full' | 'none';
  /** Money fields: a decimal amount and the field that holds its ISO 4217 currency. */
  readonly money: readonly { readonly amount: string; readonly currency: string }[];
  /** Payload fields that identify the customer, by identifier type: { "handle": "socialHandle" }. */
  readonly identifiers: Readonly<Record<string, string>>;
  /** Which channel a touchpoint of this type counts for: a payload field, or a fixed value. */
  readonly channel: { readonly field: string } | { readonly value: string } | null;
  /** Top-level payload fields that the type's analytics view shows as columns. */
  readonly columns: readonly string[];
  /** Inclusive ranges of numeric payload fields, checked at ingestion: { "npsScore": { "min": 0, "max": 10 } }. */
  readonly bounds: Readonly<Record<string, NumericBounds>>;
}

export interface NumericBounds {
  readonly min?: number;
  readonly max?: number;
}

const COMPATIBILITY = ['backward', 'forward', 'full', 'none'];
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const MANIFEST_KEYS = ['type', 'owner', 'compatibility', 'money', 'identifiers', 'channel', 'columns', 'bounds'];

/** What is wrong with a field's bounds, or undefined. */
function boundsProblem(path: string, raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `bounds of "${path}" must be { "min": <number>, "max": <number> }`;
  const { min, max, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `bounds of "${path}" take "min" and "max", not ${unknown.map((k) => JSON.stringify(k)).join(', ')}`;
  if (min === undefined && max === undefined) return `bounds of "${path}" need "min", "max" or both`;
  const isLimit = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
  if (!isLimit(min) || !isLimit(max)) return `bounds of "${path}": "min" and "max" must be numbers, such as 0 or 10 (not text, not true or false)`;
  if ((min as number) > (max as number)) return `bounds of "${path}": "min" (${String(min)}) is above "max" (${String(max)})`;
  return undefined;
}

/** Checks a parsed manifest file, naming every problem with where it was found. */
export function validateManifest(raw: unknown, where: string): TouchpointManifest {
  const problems: string[] = [];
  const m = (raw ?? {}) as Record<string, unknown>;
  const isText = (v: unknown) => typeof v === 'string' && v.length > 0;
  const unknownKeys = Object.keys(m).filter((key) => !MANIFEST_KEYS.includes(key));
  // A misspelt key ("colums") would otherwise lose what it meant without a word.
  if (unknownKeys.length > 0) problems.push(`unknown key${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')}; a manifest holds ${MANIFEST_KEYS.join(', ')}`);
  if (!isText(m.type) || !/^[a-z][a-z0-9_]*$/.test(m.type as string)) problems.push('"type" must be lower_snake_case, e.g. "survey_response"');
  if (!isText(m.owner)) problems.push('"owner" must name the owning team');
  const compatibility = m.compatibility ?? 'backward';
  if (!COMPATIBILITY.includes(compatibility as string)) problems.push(`"compatibility" must be one of ${COMPATIBILITY.join(', ')}`);
  const money = m.money ?? [];
  if (!Array.isArray(money) || !money.every((x) => isText(x?.amount) && isText(x?.currency))) {
    problems.push('"money" must be a list of { "amount": "<field path>", "currency": "<field path>" }');
  } else {
    for (const amount of repeated(money.map((m: { amount: string }) => m.amount))) problems.push(`"money" names the amount "${amount}" more than once: an amount has one currency, so list it once`);
  }
  const identifiers = m.identifiers ?? {};
  if (typeof identifiers !== 'object' || Array.isArray(identifiers) || !Object.values(identifiers as object).every(isText)) {
    problems.push('"identifiers" must map payload fields to identifier types, e.g. { "handle": "socialHandle" }');
  }
  const channel = m.channel ?? null;
  const channelKeys = typeof channel === 'object' && channel !== null ? Object.keys(channel) : [];
  if (channel !== null && !(channelKeys.length === 1 && (isText((channel as { field?: unknown }).field) || isText((channel as { value?: unknown }).value)))) {
    problems.push('"channel" must be { "field": "<payload field>" }, { "value": "<channel>" } or null');
  }
  const columns = m.columns ?? [];
  if (!Array.isArray(columns) || !columns.every((c) => isText(c) && FIELD_NAME.test(c))) {
    problems.push('"columns" must be a list of top-level payload field names, e.g. ["surveyId", "npsScore"]');
  } else {
    for (const name of repeated(columns)) problems.push(`"columns" names "${name}" more than once: list each column once`);
    const envelopeNamed = columns.filter((c) => TYPE_VIEW_ENVELOPE_COLUMNS.includes(c) && !REPLACEABLE_ENVELOPE_COLUMNS.includes(c));
    for (const name of envelopeNamed) {
      problems.push(`column "${name}" would take the place of the envelope column ${name} in the type's view, which says which touchpoint, customer or instant a row is (only ${REPLACEABLE_ENVELOPE_COLUMNS.join(' and ')} may be replaced): leave it out of "columns", or give the payload field another name in a new version`);
    }
  }
  const bounds = m.bounds ?? {};
  if (typeof bounds !== 'object' || bounds === null || Array.isArray(bounds)) {
    problems.push('"bounds" must map numeric payload fields to inclusive ranges, e.g. { "npsScore": { "min": 0, "max": 10 } }');
  } else {
    for (const [path, range] of Object.entries(bounds)) {
      const problem = boundsProblem(path, range);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length > 0) throw new SchemaCatalogError(`${where}: ${problems.join('; ')}`);
  return { type: m.type, owner: m.owner, compatibility, money, identifiers, channel, columns, bounds } as TouchpointManifest;
}

/** The entries a list holds more than once, each named once. */
function repeated(list: readonly string[]): string[] {
  return [...new Set(list.filter((entry, i) => list.indexOf(entry) !== i))];
}
