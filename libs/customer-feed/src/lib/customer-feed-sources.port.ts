import type { CustomerFeedView } from '@cdp/feed';
import type { SqlExecutor } from '@cdp/sql';

export interface CustomerReading {
  /** What the read models hold for the customer now; null when none does. */
  readonly view: CustomerFeedView | null;
  /** When the view changes with no new event (a lot expires, the tier window moves); null for never. */
  readonly reviewAt: string | null;
}

/** Reads the read models a customer's feed view is made of: the profile, loyalty and RFM. */
export interface CustomerFeedSources {
  read(db: SqlExecutor, customerIds: readonly string[], now: Date): Promise<Map<string, CustomerReading>>;
}
