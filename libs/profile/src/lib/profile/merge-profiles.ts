import { emptyProfile, type CustomerProfile } from './customer-profile';
import { InvalidMergeError, ProfileMergedError } from './profile.errors';
import { compareText, joinContent } from './profile-content';

/*
 * Merges, as the identity rules decide them (CustomerMerged { from, into }). The runtime applies
 * one as two writes:
 *
 *   survivor' = mergeProfiles(profile(into), profile(from) ?? emptyProfile(from))
 *   merged'   = markMerged(profile(from), into)
 */

/**
 * The survivor, having absorbed everything the merged profile holds. The content is joined by the
 * same rules as touchpoints (`joinContent`), so it is what folding all the touchpoints of both into
 * one profile gives, and the same whichever of the two survives; only the bookkeeping differs:
 * `customerId` stays the survivor's, `mergedFrom` gains the merged customer and everything merged
 * into it, and `version` is the sum of both versions plus one for the merge.
 *
 * Idempotent: merging a customer the survivor already absorbed returns the survivor unchanged.
 */
export function mergeProfiles(survivor: CustomerProfile, merged: CustomerProfile): CustomerProfile {
  if (survivor.customerId === merged.customerId) throw new InvalidMergeError(`customer ${survivor.customerId} cannot be merged into itself`);
  if (survivor.mergedFrom.includes(merged.customerId)) return survivor;
  if (survivor.mergedInto !== null) throw new ProfileMergedError(survivor.customerId, survivor.mergedInto, `the merge of ${merged.customerId}`);
  if (merged.mergedInto !== null) {
    throw new InvalidMergeError(`customer ${merged.customerId} was already marked merged into ${merged.mergedInto}, so its profile is empty; merge it before marking it`);
  }
  return {
    customerId: survivor.customerId,
    mergedInto: null,
    mergedFrom: [...new Set([...survivor.mergedFrom, merged.customerId, ...merged.mergedFrom])].sort(compareText),
    ...joinContent(survivor, merged),
    version: survivor.version + merged.version + 1,
  };
}

/**
 * The merged customer's profile after the merge: only what redirects to the survivor is kept
 * (`customerId`, `mergedInto`), and `version` grows by one so that the change feed tells
 * subscribers. Idempotent for the same survivor.
 */
export function markMerged(profile: CustomerProfile, into: string): CustomerProfile {
  if (profile.customerId === into) throw new InvalidMergeError(`customer ${into} cannot be merged into itself`);
  if (profile.mergedInto === into) return profile;
  if (profile.mergedInto !== null) throw new InvalidMergeError(`customer ${profile.customerId} was merged into ${profile.mergedInto}, not ${into}`);
  return { ...emptyProfile(profile.customerId), mergedInto: into, version: profile.version + 1 };
}

/**
 * The profile also answering to ids it was known by in another reading of the same log: a rebuild
 * that reads Kafka's partitions in another order than live starts customers with other touchpoints,
 * and takes over the ids live gave out (its `mergedFrom` says which ids name this customer).
 */
export function knownAlsoAs(profile: CustomerProfile, ids: readonly string[]): CustomerProfile {
  const added = ids.filter((id) => id !== profile.customerId && !profile.mergedFrom.includes(id));
  if (added.length === 0) return profile;
  return { ...profile, mergedFrom: [...new Set([...profile.mergedFrom, ...added])].sort(compareText) };
}
