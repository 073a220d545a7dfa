/**
 * The event log as the platform needs it: append to a stream, read a stream, and follow
 * everything from a checkpoint. Every adapter passes the contract suite in ../../testing.
 */

/** An event to append. `eventId` is its idempotency key across the whole log. */
export interface NewEvent<Data = unknown> {
  readonly eventId: string;
  readonly type: string;
  readonly data: Data;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** An event as the log holds it. */
export interface RecordedEvent<Data = unknown> extends Required<NewEvent<Data>> {
  readonly streamId: string;
  /** 0 for the first event of a stream, then 1, 2, ... */
  readonly streamPosition: number;
  /** Where the event sits, shown to users: unique in the log, e.g. "1042" or "3:1187". */
  readonly position: string;
  /** The ordered lane of the log this event travels in (a Kafka partition, or "all"). */
  readonly partition: string;
  /** Adapter-defined token that orders events within the partition; goes into checkpoints. */
  readonly offset: string;
  /** When the log stored it, an ISO 8601 UTC instant. */
  readonly recordedAt: string;
}

/**
 * Where a subscriber stopped: per partition, the offset of the last event it has processed.
 * A partition that is absent is read from its beginning. Plain data: store it as JSON.
 */
export type Checkpoint = Readonly<Record<string, string>>;

/**
 * 'any' appends whatever the stream holds; 'no_stream' only to a stream that does not exist yet;
 * a number only when the stream's last event is at that position.
 */
export type ExpectedVersion = number | 'any' | 'no_stream';

export interface AppendedEvent {
  readonly eventId: string;
  readonly streamPosition: number;
  readonly position: string;
  /** True when the log already held this event id: nothing was written for it. */
  readonly duplicate: boolean;
}

export interface AppendResult {
  readonly streamId: string;
  readonly events: readonly AppendedEvent[];
}

export interface StreamWrite {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
}

export interface AppendManyOptions {
  /** The version each named stream must be at; a stream not named is appended to as 'any'. */
  readonly expectedVersions?: ReadonlyMap<string, ExpectedVersion>;
}

export interface StreamRead {
  readonly streamId: string;
  readonly fromPosition?: number;
}

export interface SubscriptionBatch {
  readonly partition: string;
  readonly events: readonly RecordedEvent[];
  /**
   * The subscriber's checkpoint once this batch is processed, for this partition: its last
   * event's `partition` and `offset`, as after any of its events (`{ [event.partition]: event.offset }`).
   */
  readonly checkpoint: Checkpoint;
  /**
   * True when the batch may hold events that an earlier delivery already handed over: the first
   * batch of its partition since the subscription started or was (re)assigned the partition, and a
   * batch delivered again after `onBatch` failed. False when it continues right after a batch of
   * the same partition that this subscription delivered and `onBatch` completed. A subscriber whose
   * store is not transactional checks what it already holds only for resumed batches.
   */
  readonly resumed: boolean;
  /**
   * Where subscribers share the log's partitions (a Kafka consumer group): the offset of this
   * partition that the batch follows, as this subscription knows it (null: the partition's start).
   * A subscriber whose stored checkpoint of the partition has moved elsewhere since (another
   * member took the partition over and went on) must not commit the batch. Absent where each
   * subscriber reads the whole log.
   */
  readonly follows?: string | null;
}

export interface SubscribeOptions {
  /** Names the subscriber; on Kafka it is the consumer group, so instances share partitions. */
  readonly subscriberId: string;
  readonly from: Checkpoint;
  /**
   * The subscriber's stored checkpoint, read again whenever the subscription is assigned partitions
   * (Kafka): in a group, another member may have moved on since `from`, and a partition that comes
   * back must resume where that member stopped. Without it, the subscription goes by `from` and
   * its own batches.
   */
  readonly checkpointOf?: () => Promise<Checkpoint>;
  readonly maxBatchSize?: number;
  /**
   * Lets `onBatch` be called for batches of different partitions at once, as a fetch brings them
   * (never two of one partition), so that the subscriber can write them together. Default false:
   * one batch at a time. Only a log of several partitions (Kafka) has batches to hand over at once.
   */
  readonly concurrentPartitions?: boolean;
  /**
   * How long the log may hold a batch back, once the subscriber has caught up, to hand over more
   * at once: for a store that favours few large writes over many small ones (ClickHouse). Default
   * 0. A subscriber that is behind gets full batches without waiting.
   */
  readonly lingerMs?: number;
  /**
   * Called with one batch at a time (see `concurrentPartitions`), in log order per partition. If it
   * throws, the same batch is delivered again after a pause; nothing is skipped.
   */
  readonly onBatch: (batch: SubscriptionBatch) => Promise<void>;
  readonly onError?: (error: unknown) => void;
  /**
   * Called each time the subscription reads again after (re)joining its consumer group (Kafka):
   * every partition assigned has been sought to its checkpoint and resumed. What `onError` reported
   * of the subscription's own troubles (a failed offset commit, a rebalance) is then over, even if
   * no batch follows soon.
   */
  readonly onResumed?: () => void;
}

export interface Subscription {
  /** Stops delivering; resolves once the batch in hand (if any) is finished. */
  close(): Promise<void>;
  /**
   * The partitions this subscriber reads now, where subscribers share the log (a Kafka consumer
   * group's assignment to this member); absent where each reads all of it.
   */
  partitions?(): readonly string[];
}

export interface EventLogCapabilities {
  /** Whether `append` and `appendMany` enforce an ExpectedVersion other than 'any'. */
  readonly expectedVersion: boolean;
  /** Whether `appendMany` writes all its streams or, when it throws, none of them. */
  readonly atomicAppendMany: boolean;
  /**
   * Whether subscribers with the same `subscriberId` in several processes share the log's
   * partitions between them (a Kafka consumer group). Where false, each of them receives everything.
   */
  readonly sharedSubscriptions: boolean;
  /**
   * Whether the log holds each event id once. Where false, a subscriber may get a second copy of an
   * event (Kafka, when a writer died after the broker took a send it had not confirmed, and a retry
   * sent it again) and must drop it by event id.
   */
  readonly uniqueEventIds: boolean;
}

export interface EventLog {
  readonly capabilities: EventLogCapabilities;

  /**
   * Appends events to one stream, in order. Events whose ids the log already holds are skipped
   * and reported as duplicates; when all of them are, the expected version is not checked, so a
   * retried append is a no-op. Throws `ExpectedVersionConflictError` on a version mismatch.
   */
  append(streamId: string, events: readonly NewEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<AppendResult>;

  /**
   * Appends to several streams at once, with the same duplicate and version rules as `append`,
   * each stream checked against its entry in `expectedVersions`. Where `atomicAppendMany` is
   * false, a throw may leave the streams before the failing one written.
   */
  appendMany(writes: readonly StreamWrite[], options?: AppendManyOptions): Promise<AppendResult[]>;

  readStream(streamId: string, options?: { fromPosition?: number; maxCount?: number }): Promise<RecordedEvent[]>;

  /** What `readStream` gives for each of several streams, in the order asked; `maxCount` is per stream. */
  readStreams(reads: readonly StreamRead[], options?: { maxCount?: number }): Promise<RecordedEvent[][]>;

  subscribe(options: SubscribeOptions): Promise<Subscription>;

  /**
   * How many events a subscriber at this checkpoint has yet to process (its lag), or null where
   * the log cannot count them cheaply now. Only 0 says a subscriber is done: a rebuild waits
   * through null for a 0 before it swaps its tables in.
   */
  pendingAfter(checkpoint: Checkpoint): Promise<number | null>;

  /**
   * What a subscriber at this checkpoint can no longer read, said for an operator: events the log
   * deleted before it read them (a Kafka topic's retention, or records deleted by hand); undefined
   * when everything after the checkpoint is there. Absent on logs that never delete.
   */
  lostAfter?(checkpoint: Checkpoint): Promise<string | undefined>;

  /**
   * Forgets what the log keeps of a subscriber gone for good (a finished rebuild's runner): on
   * Kafka its consumer group, whose committed offsets lag monitoring would report as a growing lag
   * until the broker expires them (offsets.retention.minutes, a week by default). Absent where the
   * log keeps nothing per subscriber.
   */
  forgetSubscriber?(subscriberId: string): Promise<void>;

  /** Resolves when the log answers; rejects with the reason when it does not (for health checks). */
  ping(): Promise<void>;

  close(): Promise<void>;
}
