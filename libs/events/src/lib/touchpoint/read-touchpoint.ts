import type { ConsentStatus } from '../../generated/touchpoint-types';
import { resolvedTo } from '../avro/touchpoint-upcaster';
import type { PublishedTouchpointSchema, SchemaCatalog } from '../catalog/schema-catalog';
import type { NumericBounds } from '../catalog/touchpoint-manifest';
import { compileAvroJsonReader, type AvroJsonReader, type MoneyPaths } from './avro-json-reader';
import { normalizeConsent, withConsentStatusesAsSymbols } from './consent-channels';
import type { Checked, FieldError } from './field-error';
import { trimInvisible } from '../text/trim-invisible';
import { solarHijriYearProblem } from '../time/calendar-checks';
import { MS_PER_DAY } from '../time/utc-instant';
import { EARLIEST_OCCURRED_AT, isUuid, MAX_CLOCK_SKEW_MS, type Touchpoint } from './touchpoint';

export interface ArrivalFacts {
  /** The id to give a touchpoint that came without one. */
  readonly eventId: string;
  /** When the platform accepted it. */
  readonly receivedAt: string;
}

/**
 * Reads one touchpoint as it came over the wire (parsed JSON) against the latest schema of its
 * type: every field that does not fit is reported with its path, and nothing is guessed.
 * Identifiers are checked here for shape only; the identity rules normalise them.
 */
export function readTouchpoint(json: unknown, catalog: SchemaCatalog, arrival: ArrivalFacts): Checked<Touchpoint> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return refuse([{ path: '(root)', message: 'a touchpoint must be a JSON object' }]);
  }
  const input = json as Record<string, unknown>;
  const published = typeof input.type === 'string' ? catalog.latest(input.type) : undefined;
  if (!published) {
    return refuse([{ path: 'type', message: `must name a touchpoint type; known types are ${catalog.touchpointTypes().join(', ')}` }]);
  }

  const errors: FieldError[] = [];
  if (input.receivedAt !== undefined) errors.push({ path: 'receivedAt', message: 'is set by the platform; leave it out' });
  const givenId = isUuid(input.eventId) ? input.eventId : undefined;
  if (input.eventId !== undefined && givenId === undefined) errors.push({ path: 'eventId', message: 'must be a UUID, e.g. 0b7f2c1e-…' });
  if (givenId !== undefined && /^(0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i.test(givenId)) {
    // A source with no id at hand sends Guid.Empty: every touchpoint after its first would be dropped as a duplicate.
    errors.push({ path: 'eventId', message: 'is the nil UUID, which names no touchpoint: give each touchpoint its own id, or leave eventId out and the platform makes one' });
  }
  if (typeof input.source === 'string' && trimInvisible(input.source) === '') errors.push({ path: 'source', message: 'must name the system that reported the touchpoint, e.g. pos-store-12' });

  const withArrival = { ...withConsentStatusesAsSymbols(input), eventId: givenId?.toLowerCase() ?? arrival.eventId, receivedAt: arrival.receivedAt };
  const read = readWithSomeVersion(catalog, published, withArrival, errors);
  const touchpoint = read && withConsentChannels(read, errors);

  if (touchpoint?.payload) errors.push(...boundsErrors(touchpoint.payload, catalog.manifest(published.touchpointType)?.bounds ?? {}));
  if (touchpoint?.occurredAt && Date.parse(touchpoint.occurredAt) > Date.parse(arrival.receivedAt) + MAX_CLOCK_SKEW_MS) {
    errors.push({ path: 'occurredAt', message: "is more than a day after the platform received it: check the source's clock and time zone, and the platform's clock" });
  }
  if (touchpoint?.occurredAt && touchpoint.occurredAt < EARLIEST_OCCURRED_AT) {
    const message = solarHijriYearProblem(Number(touchpoint.occurredAt.slice(0, 4)), 'instant') ?? `is before ${EARLIEST_OCCURRED_AT}, the earliest time the platform keeps: check the source clock`;
    errors.push({ path: 'occurredAt', message });
  }
  const birthday = touchpoint?.occurredAt ? birthdayProblem(touchpoint) : undefined;
  if (birthday) errors.push(birthday);
  return errors.length > 0 ? refuse(errors) : { ok: true, value: touchpoint as Touchpoint };
}

/**
 * A birthday after the day the touchpoint happened is a typo (2031 for 2013); a day's grace, as
 * the customer's own day may be ahead of UTC's.
 */
function birthdayProblem(touchpoint: Touchpoint): FieldError | undefined {
  const birthday = (touchpoint.payload as { importantDates?: Readonly<Record<string, unknown>> } | null)?.importantDates?.birthday;
  if (typeof birthday !== 'string') return undefined;
  const latest = new Date(Date.parse(touchpoint.occurredAt) + MS_PER_DAY).toISOString().slice(0, 10);
  if (birthday <= latest) return undefined;
  return { path: 'payload.importantDates.birthday', message: `is ${birthday}, after the touchpoint happened (${touchpoint.occurredAt}): a birthday is in the past; check its year` };
}

/**
 * Read with the latest version, or else with the newest earlier version that takes the touchpoint
 * whole, and then resolved to the latest: a producer still on an earlier version (say, before a
 * field was renamed) is read as the Kafka intake reads its messages by their schema id. When no
 * version takes it, the errors are the latest version's.
 */
function readWithSomeVersion(catalog: SchemaCatalog, latest: PublishedTouchpointSchema, input: object, errors: FieldError[]): Touchpoint | undefined {
  const latestErrors: FieldError[] = [];
  const read = readerOf(catalog, latest)(input, latestErrors) as Touchpoint | undefined;
  if (latestErrors.length === 0) return read;
  for (const earlier of catalog.versions(latest.subject).slice(0, -1).reverse() as PublishedTouchpointSchema[]) {
    const earlierErrors: FieldError[] = [];
    const value = readerOf(catalog, earlier)(input, earlierErrors);
    // Read again as the latest version: its money fields (a renamed amount) are checked as money.
    if (earlierErrors.length === 0) return readerOf(catalog, latest)(JSON.parse(JSON.stringify(resolvedTo(latest, earlier, value))), errors) as Touchpoint | undefined;
  }
  errors.push(...latestErrors);
  return read;
}

const readers = new WeakMap<PublishedTouchpointSchema, AvroJsonReader>();

function readerOf(catalog: SchemaCatalog, published: PublishedTouchpointSchema): AvroJsonReader {
  let reader = readers.get(published);
  if (!reader) {
    reader = compileAvroJsonReader(published.type, moneyPathsOf(catalog, published.touchpointType));
    readers.set(published, reader);
  }
  return reader;
}

/** The touchpoint with the channels of its consent, and of a payload's consent, as the platform keeps them. */
function withConsentChannels(touchpoint: Touchpoint, errors: FieldError[]): Touchpoint {
  const payloadConsent = touchpoint.payload?.consent;
  if (!touchpoint.consent && !isConsentMap(payloadConsent)) return touchpoint;
  const payload = isConsentMap(payloadConsent) ? { ...touchpoint.payload, consent: normalizeConsent(payloadConsent, 'payload.consent', errors) } : touchpoint.payload;
  return { ...touchpoint, consent: normalizeConsent(touchpoint.consent ?? null, 'consent', errors), payload };
}

function isConsentMap(value: unknown): value is Readonly<Record<string, ConsentStatus>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function boundsErrors(payload: Readonly<Record<string, unknown>>, bounds: Readonly<Record<string, NumericBounds>>): FieldError[] {
  return Object.entries(bounds).flatMap(([field, { min, max }]) =>
    valuesAt(payload, field.split('.'), 'payload').flatMap(({ path, value }) => {
      if (typeof value !== 'number' || ((min === undefined || value >= min) && (max === undefined || value <= max))) return [];
      const range = min === undefined ? `at most ${max}` : max === undefined ? `at least ${min}` : `from ${min} to ${max}`;
      return [{ path, message: `must be ${range}, not ${value}` }];
    }),
  );
}

/** The values a manifest path ("items[].quantity") names, each with where it is ("payload.items[2].quantity"). */
function valuesAt(value: unknown, [step, ...rest]: string[], at: string): { path: string; value: unknown }[] {
  if (typeof value !== 'object' || value === null || step === undefined) return [];
  const name = step.replace(/\[\]$/, '');
  const inner = (value as Record<string, unknown>)[name];
  if (!step.endsWith('[]')) return rest.length === 0 ? [{ path: `${at}.${name}`, value: inner }] : valuesAt(inner, rest, `${at}.${name}`);
  return Array.isArray(inner) ? inner.flatMap((item, index) => valuesAt(item, rest, `${at}.${name}[${index}]`)) : [];
}

/** The money fields of a type's payload, as the manifest lists them, by shape path. */
export function moneyPathsOf(catalog: SchemaCatalog, touchpointType: string): MoneyPaths {
  const money = catalog.manifest(touchpointType)?.money ?? [];
  return {
    amounts: new Set(money.map((m) => `payload.${m.amount}`)),
    currencies: new Set(money.map((m) => `payload.${m.currency}`)),
  };
}

function refuse(errors: readonly FieldError[]): Checked<never> {
  return { ok: false, errors };
}
