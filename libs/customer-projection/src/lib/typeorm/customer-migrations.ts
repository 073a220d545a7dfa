import { CustomerTables1763900000000 } from './migrations/1763900000000-customer-tables';
import { TimelineHoldsAttributions1764000000000 } from './migrations/1764000000000-timeline-holds-attributions';
import { IdentityOwnerVersions1764100000000 } from './migrations/1764100000000-identity-owner-versions';
import { ProfilesAsJson1764200000000 } from './migrations/1764200000000-profiles-as-json';
import { RefusedLinksByIdentifier1764300000000 } from './migrations/1764300000000-refused-links-by-identifier';

/** Every migration of the customer tables, in order. Add new ones; never edit a published one. */
export const CUSTOMER_MIGRATIONS = [CustomerTables1763900000000, TimelineHoldsAttributions1764000000000, IdentityOwnerVersions1764100000000, ProfilesAsJson1764200000000, RefusedLinksByIdentifier1764300000000];
