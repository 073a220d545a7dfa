import type { CustomerProfile, ImportantDate, Preference } from './customer-profile';

/**
 * The profile as people and subscribers see it: the query API's answer, the change feed's
 * customer-state, the demo's summary. It is the stored profile less the preferences and dates the
 * customer withdrew, which the stored one keeps only so that its rules stay order-independent.
 */
export interface VisibleProfile extends Omit<CustomerProfile, 'preferences' | 'importantDates'> {
  readonly preferences: Readonly<Record<string, Preference>>;
  readonly importantDates: Readonly<Record<string, ImportantDate>>;
}

export function visibleProfile(profile: CustomerProfile): VisibleProfile {
  return {
    ...profile,
    preferences: Object.fromEntries(Object.entries(profile.preferences).filter((entry): entry is [string, Preference] => entry[1].value !== null)),
    importantDates: Object.fromEntries(Object.entries(profile.importantDates).filter((entry): entry is [string, ImportantDate] => entry[1].date !== null)),
  };
}
