/**
 * The index that makes appends to Kafka idempotent by event id, and gives each event its stream
 * position. Kafka cannot answer "do you hold event X?", so before producing an append *claims* its
 * ids here, and after Kafka has them it *confirms* them with where they landed.
 *
 * A claim is a lease: if its holder dies before confirming, another append of the same ids takes
 * the claim over once the lease has run out, and produces them itself.
 */

export interface ClaimRequest {
  readonly eventId: string;
  readonly streamId: string;
}

/** An event id and its place in its stream, fixed when it is first claimed. */
export interface ClaimedEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamPosition: number;
}

/** Where Kafka holds an accepted event. */
export interface AcceptedEvent extends ClaimedEvent {
  readonly partition: number;
  /** The Kafka offset, as a decimal string. */
  readonly offset: string;
}

export interface ClaimResult {
  /** Ids this claim now holds (new ones, and ones whose lease ran out): produce them, then confirm or release. */
  readonly claimed: readonly ClaimedEvent[];
  /** Ids that Kafka already holds. */
  readonly accepted: readonly AcceptedEvent[];
  /** Ids that another append holds and is producing right now. */
  readonly inFlight: readonly string[];
}

export interface AcceptedEventIds {
  /** Claims the ids not claimed yet, and those whose claim's lease has run out. One id once per call. */
  claim(claimId: string, events: readonly ClaimRequest[]): Promise<ClaimResult>;

  /** Records where Kafka put the claimed events. Ids that another claim has taken over are left alone. */
  confirm(claimId: string, events: readonly AcceptedEvent[]): Promise<void>;

  /** Gives up claimed ids that were not produced, so a later append can produce them. */
  release(claimId: string, events: readonly ClaimedEvent[]): Promise<void>;

  /** The accepted events of a stream that the index still holds, in stream order. */
  acceptedInStream(streamId: string, options: { fromPosition: number; maxCount: number }): Promise<AcceptedEvent[]>;

  /**
   * Forgets ids claimed longer ago than `ageMs` (default: the index's retention) and returns how
   * many it forgot. An id forgotten is no longer recognised as a duplicate; stream positions are
   * kept. The app runs this on a schedule.
   */
  purgeOlderThan(ageMs?: number): Promise<number>;

  /**
   * When the newest accepted ids of a stream category name a partition its topic lacks, or an
   * offset at or past its partition's end (`readEnds`: partition → end offset, read once this call
   * has begun, so that ids confirmed meanwhile are left out), the topic no longer holds what the
   * index says (it was deleted and made anew, or is another cluster's): forgets every accepted id
   * of the category, so that events sent again are appended again, and returns how many it forgot.
   */
  forgetIfTopicLost(category: string, readEnds: () => Promise<ReadonlyMap<number, string>>): Promise<number>;

  /** Resolves when the index answers. */
  ping(): Promise<void>;
}
