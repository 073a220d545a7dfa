import { DAY_MS } from './calendar/tehran-time';
import { demoCustomer, SHOWCASE_CUSTOMER_INDEX, type DemoCustomer } from './customers/demo-customer';
import type { DemoTouchpoint } from './demo-touchpoint';
import { customerJourney, type DemoWindow } from './journeys/customer-journey';

/** How many days of data the demo makes by default, up to its end. */
export const DEMO_DAYS = 730;

export interface DemoDataOptions {
  /** How many customers to invent. */
  readonly customers: number;
  /** The same seed gives the same customers, touchpoints and event ids. */
  readonly seed: string | number;
  /** The end of the period covered (excluded), typically now; this library never reads the clock. */
  readonly end: string | Date;
  /** The start of the period; by default two years (730 days) before `end`. */
  readonly start?: string | Date;
}

export interface DemoJourney {
  readonly customer: DemoCustomer;
  /** Everything the customer did, in order of occurrence, as posted to POST /v1/touchpoints. */
  readonly touchpoints: readonly DemoTouchpoint[];
}

export class InvalidDemoOptionsError extends Error {
  readonly code = 'DEMO_DATA.INVALID_OPTIONS';
}

/** Customers whose touchpoints are interleaved by time before they are yielded. */
const COHORT = 250;

/** Every customer and their touchpoints, one customer at a time: the ground truth. */
export function* generateDemoJourneys(options: DemoDataOptions): Generator<DemoJourney> {
  const window = demoWindow(options);
  for (let index = 0; index < options.customers; index++) {
    const customer = demoCustomer(options.seed, index);
    yield { customer, touchpoints: customerJourney(customer, window, options.seed) };
  }
}

/**
 * Realistic touchpoints of an Iranian restaurant, clothing and travel group over two years, as
 * sources post them. Deterministic: the same options give the same bodies in the same order. The
 * customers are taken a few hundred at a time and their touchpoints interleaved by time, as a
 * business's systems would report them.
 */
export function* generateDemoTouchpoints(options: DemoDataOptions): Generator<DemoTouchpoint> {
  let cohort: { at: number; seq: number; body: DemoTouchpoint }[] = [];
  const flush = function* () {
    cohort.sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const { body } of cohort) yield body;
    cohort = [];
  };
  let customers = 0;
  for (const { touchpoints } of generateDemoJourneys(options)) {
    for (const body of touchpoints) cohort.push({ at: Date.parse(body.occurredAt), seq: cohort.length, body });
    if (++customers % COHORT === 0) yield* flush();
  }
  yield* flush();
}

/** The customer the demo shows at the end, with a full story: a club member known on every channel. */
export function demoShowcaseCustomer(options: Pick<DemoDataOptions, 'seed'>): DemoCustomer {
  return demoCustomer(options.seed, SHOWCASE_CUSTOMER_INDEX);
}

/** The period the options cover, checked. */
export function demoWindow(options: DemoDataOptions): DemoWindow {
  const problems: string[] = [];
  if (!Number.isSafeInteger(options.customers) || options.customers < 1) problems.push(`customers must be a whole number of at least 1, got ${options.customers}`);
  const end = instant(options.end);
  if (Number.isNaN(end)) problems.push(`end must be an ISO 8601 instant, got ${String(options.end)}`);
  const start = options.start === undefined ? end - DEMO_DAYS * DAY_MS : instant(options.start);
  if (Number.isNaN(start)) problems.push(`start must be an ISO 8601 instant, got ${String(options.start)}`);
  else if (start >= end) problems.push('start must be before end');
  if (problems.length > 0) throw new InvalidDemoOptionsError(`Invalid demo data options: ${problems.join('; ')}`);
  return { start, end };
}

function instant(value: string | Date): number {
  return typeof value === 'string' ? Date.parse(value) : value.getTime();
}
