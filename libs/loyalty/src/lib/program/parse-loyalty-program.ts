import { canonicalDecimal, compareDecimal, isAmount } from '@cdp/money';
import { describeValue } from '../describe-value';
import { InvalidLoyaltyProgramError } from '../loyalty.errors';
import { DEFAULT_LOYALTY_PROGRAM, type LoyaltyProgram, type LoyaltyTier } from './loyalty-program';

export const MAX_LOYALTY_PROGRAM_DAYS = 36_500;

const PROGRAM_KEYS = ['currency', 'pointsPerUnit', 'bonuses', 'tiers', 'tierWindowDays', 'expiryDays'] as const;
const TIER_KEYS = ['name', 'from', 'multiplier'] as const;
const TOUCHPOINT_TYPE = /^[a-z][a-z0-9_]*$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Purchases earn by their amount and refunds take points back: neither may also carry a bonus. */
const TYPES_WITHOUT_BONUS = new Set(['purchase', 'refund']);

/**
 * A loyalty program from its JSON configuration (`source` names the file in messages). A missing
 * key takes its DEFAULT_LOYALTY_PROGRAM value; a key present with a wrong value, null included, is a
 * problem, and so is an unknown key, so that a typo is not silently ignored. Every problem is
 * collected, located by its JSON path, before one InvalidLoyaltyProgramError lists them all.
 *
 * Rates and amounts are decimal strings; a whole JSON number is accepted and written as one ("1"),
 * a fractional one is not, since a float may already have changed it. Decimals come out canonical.
 */
export function parseLoyaltyProgram(json: unknown, source: string): LoyaltyProgram {
  if (!isPlainObject(json)) {
    throw new InvalidLoyaltyProgramError(source, [`$: use a JSON object with some of the keys ${PROGRAM_KEYS.join(', ')}; got ${describeValue(json)}`]);
  }
  const problems: string[] = [];
  problems.push(...unknownKeys(json, PROGRAM_KEYS, ''));
  const valueOf = <T>(key: (typeof PROGRAM_KEYS)[number], parse: (value: unknown, path: string, problems: string[]) => T | undefined, fallback: T): T | undefined =>
    json[key] === undefined ? fallback : parse(json[key], key, problems);

  const program = {
    currency: valueOf('currency', parseCurrency, DEFAULT_LOYALTY_PROGRAM.currency),
    pointsPerUnit: valueOf('pointsPerUnit', decimalParser('0.1'), DEFAULT_LOYALTY_PROGRAM.pointsPerUnit),
    bonuses: valueOf('bonuses', parseBonuses, DEFAULT_LOYALTY_PROGRAM.bonuses),
    tiers: valueOf('tiers', parseTiers, DEFAULT_LOYALTY_PROGRAM.tiers),
    tierWindowDays: valueOf('tierWindowDays', parseDays, DEFAULT_LOYALTY_PROGRAM.tierWindowDays),
    expiryDays: valueOf('expiryDays', parseDays, DEFAULT_LOYALTY_PROGRAM.expiryDays),
  };
  if (problems.length > 0) throw new InvalidLoyaltyProgramError(source, problems);
  return program as LoyaltyProgram;
}

function parseCurrency(value: unknown, path: string, problems: string[]): string | undefined {
  if (typeof value === 'string' && /^[A-Za-z]{3}$/.test(value)) return value.toUpperCase();
  problems.push(`${path}: use an ISO 4217 code of 3 letters such as "IRR"; got ${describeValue(value)}`);
  return undefined;
}

function decimalParser(example: string) {
  return (value: unknown, path: string, problems: string[]): string | undefined => {
    if (isAmount(value)) return canonicalDecimal(value);
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
    problems.push(`${path}: use a non-negative decimal string such as "${example}"; got ${describeValue(value)}`);
    return undefined;
  };
}

function parseBonuses(value: unknown, path: string, problems: string[]): Record<string, number> | undefined {
  if (!isPlainObject(value)) {
    problems.push(`${path}: use an object of touchpoint type to points, such as {"visit": 10}; got ${describeValue(value)}`);
    return undefined;
  }
  const bonuses: Record<string, number> = {};
  for (const [type, points] of Object.entries(value)) {
    const at = `${path}${member(type)}`;
    const validType = TOUCHPOINT_TYPE.test(type) && !TYPES_WITHOUT_BONUS.has(type);
    if (!TOUCHPOINT_TYPE.test(type)) problems.push(`${at}: use a touchpoint type such as "visit" or "social_mention" (a lower-case letter, then lower-case letters, digits or "_")`);
    else if (TYPES_WITHOUT_BONUS.has(type)) problems.push(`${at}: a ${type} earns or takes back points by its amount and takes no bonus`);
    const validPoints = typeof points === 'number' && Number.isSafeInteger(points) && points >= 0;
    if (!validPoints) problems.push(`${at}: use a whole number of points, 0 or more, such as 10; got ${describeValue(points)}`);
    if (validType && validPoints) bonuses[type] = points;
  }
  return bonuses;
}

function parseTiers(value: unknown, path: string, problems: string[]): LoyaltyTier[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${path}: use a non-empty array of tiers such as [{"name": "member", "from": "0", "multiplier": "1"}]; got ${describeValue(value)}`);
    return undefined;
  }
  const tiers: LoyaltyTier[] = [];
  const indexByName = new Map<string, number>();
  let previousFrom: { readonly from: string; readonly index: number } | undefined;
  value.forEach((tier: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isPlainObject(tier)) {
      problems.push(`${at}: use an object with name, from and multiplier; got ${describeValue(tier)}`);
      return;
    }
    problems.push(...unknownKeys(tier, TIER_KEYS, at));
    const name = parseTierName(tier['name'], `${at}.name`, problems);
    if (name !== undefined) {
      const first = indexByName.get(name);
      if (first !== undefined) problems.push(`${at}.name: ${describeValue(name)} is already the name of ${path}[${first}]; tier names are unique`);
      else indexByName.set(name, index);
    }
    const from = decimalParser('1000')(tier['from'], `${at}.from`, problems);
    if (from !== undefined) {
      if (index === 0 && compareDecimal(from, '0') !== 0) problems.push(`${at}.from: the first tier starts at "0", where every customer starts; got ${describeValue(tier['from'])}`);
      if (previousFrom !== undefined && compareDecimal(from, previousFrom.from) <= 0) {
        problems.push(`${at}.from: use a value above ${path}[${previousFrom.index}].from (${describeValue(previousFrom.from)}): tiers ascend strictly; got ${describeValue(tier['from'])}`);
      }
      previousFrom = { from, index };
    }
    const multiplier = decimalParser('1.25')(tier['multiplier'], `${at}.multiplier`, problems);
    if (name !== undefined && from !== undefined && multiplier !== undefined) tiers.push({ name, from, multiplier });
  });
  return tiers;
}

function parseTierName(value: unknown, path: string, problems: string[]): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  problems.push(`${path}: use a non-empty name such as "silver"; got ${describeValue(value)}`);
  return undefined;
}

function parseDays(value: unknown, path: string, problems: string[]): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_LOYALTY_PROGRAM_DAYS) return value;
  problems.push(`${path}: use a whole number of days from 1 to ${MAX_LOYALTY_PROGRAM_DAYS}; got ${describeValue(value)}`);
  return undefined;
}

function unknownKeys(object: Record<string, unknown>, known: readonly string[], path: string): string[] {
  return Object.keys(object)
    .filter((key) => !known.includes(key))
    .map((key) => `${path === '' ? member(key).replace(/^\./, '') : `${path}${member(key)}`}: unknown key; the keys are ${known.join(', ')}`);
}

/** The JSON path step to `key`: `.visit`, or `["two words"]` when it is not an identifier. */
function member(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
