import { InvalidLoyaltyProgramError } from '../loyalty.errors';
import { DEFAULT_LOYALTY_PROGRAM } from './loyalty-program';
import { parseLoyaltyProgram } from './parse-loyalty-program';

const SOURCE = 'config/loyalty-program.json';

/** The problems parsing `json` reports, in order; fails when it parses. */
function problemsOf(json: unknown): readonly string[] {
  try {
    parseLoyaltyProgram(json, SOURCE);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidLoyaltyProgramError);
    return (error as InvalidLoyaltyProgramError).problems;
  }
  throw new Error(`${JSON.stringify(json)} parsed`);
}

const TIERS = [
  { name: 'member', from: '0', multiplier: '1' },
  { name: 'silver', from: '1000', multiplier: '1.25' },
];

describe('parseLoyaltyProgram', () => {
  it('gives the default program for an empty object', () => {
    expect(parseLoyaltyProgram({}, SOURCE)).toEqual(DEFAULT_LOYALTY_PROGRAM);
  });

  it('takes the default for each key left out, and the value given for the others', () => {
    const program = parseLoyaltyProgram({ pointsPerUnit: '0.05', bonuses: { visit: 10, social_mention: 5 }, expiryDays: 730 }, SOURCE);
    expect(program).toEqual({ ...DEFAULT_LOYALTY_PROGRAM, pointsPerUnit: '0.05', bonuses: { visit: 10, social_mention: 5 }, expiryDays: 730 });
  });

  it('upper-cases the currency and writes decimals canonically, whole JSON numbers included', () => {
    const program = parseLoyaltyProgram({ currency: 'eur', pointsPerUnit: 2, tiers: [{ name: 'member', from: 0, multiplier: '01.50' }] }, SOURCE);
    expect(program).toMatchObject({ currency: 'EUR', pointsPerUnit: '2', tiers: [{ name: 'member', from: '0', multiplier: '1.50' }] });
  });

  it('accepts a first tier written "0.00", which is zero', () => {
    expect(parseLoyaltyProgram({ tiers: [{ name: 'member', from: '0.00', multiplier: '1' }] }, SOURCE).tiers[0].from).toBe('0.00');
  });

  it('reports a fractional JSON number with its path, since a float may already have changed it', () => {
    expect(problemsOf({ tiers: [TIERS[0], { ...TIERS[1], multiplier: 1.25 }] })).toEqual(['tiers[1].multiplier: use a non-negative decimal string such as "1.25"; got 1.25']);
  });

  it('reports every problem at once, each with its JSON path', () => {
    const problems = problemsOf({
      currency: 'rial',
      pointsPerUnit: '-1',
      bonuses: { visit: 2.5, Visit: 1, purchase: 10 },
      tiers: [
        { name: 'member', from: '10', multiplier: '1' },
        { name: '', from: '5', multiplier: 'x' },
        { name: 'member', from: '1000', multiplier: '1.5', bonus: 1 },
        'gold',
      ],
      tierWindowDays: 0,
      expiryDays: 36_501,
    });
    expect(problems).toEqual([
      'currency: use an ISO 4217 code of 3 letters such as "IRR"; got "rial"',
      'pointsPerUnit: use a non-negative decimal string such as "0.1"; got "-1"',
      'bonuses.visit: use a whole number of points, 0 or more, such as 10; got 2.5',
      'bonuses.Visit: use a touchpoint type such as "visit" or "social_mention" (a lower-case letter, then lower-case letters, digits or "_")',
      'bonuses.purchase: a purchase earns or takes back points by its amount and takes no bonus',
      'tiers[0].from: the first tier starts at "0", where every customer starts; got "10"',
      'tiers[1].name: use a non-empty name such as "silver"; got ""',
      'tiers[1].from: use a value above tiers[0].from ("10"): tiers ascend strictly; got "5"',
      'tiers[1].multiplier: use a non-negative decimal string such as "1.25"; got "x"',
      'tiers[2].bonus: unknown key; the keys are name, from, multiplier',
      'tiers[2].name: "member" is already the name of tiers[0]; tier names are unique',
      'tiers[3]: use an object with name, from and multiplier; got "gold"',
      'tierWindowDays: use a whole number of days from 1 to 36500; got 0',
      'expiryDays: use a whole number of days from 1 to 36500; got 36501',
    ]);
  });

  it('reports an unknown key, so that a typo is not silently ignored', () => {
    expect(problemsOf({ tierWindowDay: 30, 'expiry days': 10 })).toEqual([
      'tierWindowDay: unknown key; the keys are currency, pointsPerUnit, bonuses, tiers, tierWindowDays, expiryDays',
      '["expiry days"]: unknown key; the keys are currency, pointsPerUnit, bonuses, tiers, tierWindowDays, expiryDays',
    ]);
  });

  it('refuses tiers that are equal, not ascending strictly', () => {
    expect(problemsOf({ tiers: [TIERS[0], { ...TIERS[1], from: '0.0' }] })).toEqual(['tiers[1].from: use a value above tiers[0].from ("0"): tiers ascend strictly; got "0.0"']);
  });

  it('refuses an empty list of tiers, a null, and bonuses that are not an object', () => {
    expect(problemsOf({ tiers: [], currency: null, bonuses: [] })).toEqual([
      'currency: use an ISO 4217 code of 3 letters such as "IRR"; got null',
      'bonuses: use an object of touchpoint type to points, such as {"visit": 10}; got []',
      'tiers: use a non-empty array of tiers such as [{"name": "member", "from": "0", "multiplier": "1"}]; got []',
    ]);
  });

  it('refuses whole days written as strings or fractions', () => {
    expect(problemsOf({ tierWindowDays: '30', expiryDays: 1.5 })).toEqual([
      'tierWindowDays: use a whole number of days from 1 to 36500; got "30"',
      'expiryDays: use a whole number of days from 1 to 36500; got 1.5',
    ]);
  });

  it('refuses what is not an object, naming the source in its message', () => {
    expect(() => parseLoyaltyProgram([], SOURCE)).toThrow(expect.objectContaining({ code: 'LOYALTY.INVALID_PROGRAM', problems: [expect.stringMatching(/^\$: use a JSON object/)] }));
    expect(() => parseLoyaltyProgram(null, SOURCE)).toThrow(/the loyalty program in config\/loyalty-program.json is invalid/);
  });
});
