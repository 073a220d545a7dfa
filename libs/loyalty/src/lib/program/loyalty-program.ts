/**
 * A loyalty program as configured (config/loyalty-program.json, or the file CDP_LOYALTY_PROGRAM
 * names). Amounts and rates are decimal strings, so no float ever holds one.
 */
export interface LoyaltyProgram {
  /** Only purchases and refunds in this ISO 4217 currency earn points and count as qualifying spend. */
  readonly currency: string;
  /** Points per unit of purchase amount, before the tier multiplier: "1", "0.1". Rounded down per purchase. */
  readonly pointsPerUnit: string;
  /** Touchpoint type → whole points earned by each touchpoint of that type (a visit, a social mention). */
  readonly bonuses: Readonly<Record<string, number>>;
  /** Ascending by `from`; the first starts at "0". */
  readonly tiers: readonly LoyaltyTier[];
  /** The qualifying spend of a purchase is the spend in the `tierWindowDays` days before it. */
  readonly tierWindowDays: number;
  /** Each lot of points expires this many days after the touchpoint that earned it. */
  readonly expiryDays: number;
}

export interface LoyaltyTier {
  readonly name: string;
  /** The qualifying spend, in the program currency, from which a customer is in this tier. */
  readonly from: string;
  /** Multiplies the points of a purchase made while in this tier: "1", "1.25". */
  readonly multiplier: string;
}

export const DEFAULT_LOYALTY_PROGRAM: LoyaltyProgram = {
  currency: 'IRR',
  pointsPerUnit: '0.1',
  bonuses: {},
  tiers: [
    { name: 'member', from: '0', multiplier: '1' },
    { name: 'silver', from: '10000000', multiplier: '1.25' },
    { name: 'gold', from: '100000000', multiplier: '1.5' },
  ],
  tierWindowDays: 365,
  expiryDays: 365,
};
