import type { ConsumerConfig } from 'kafkajs';

/** Consumer-group timing; kafkajs defaults suit production, tests shorten them. */
export type ConsumerTiming = Pick<ConsumerConfig, 'sessionTimeout' | 'rebalanceTimeout' | 'heartbeatInterval' | 'maxWaitTimeInMs'>;

/** kafkajs's own heartbeat interval, kept for any session long enough to hold three of them. */
const DEFAULT_HEARTBEAT_MS = 3_000;

/**
 * The timing of a group whose members are given up `sessionTimeoutMs` after their last heartbeat:
 * how soon another member takes the partitions of one that died. Members send heartbeats at a
 * third of it at most, as Kafka advises, so two missed ones do not yet cost a member its partitions.
 */
export function consumerTimingFor(sessionTimeoutMs: number): ConsumerTiming {
  return { sessionTimeout: sessionTimeoutMs, heartbeatInterval: Math.min(DEFAULT_HEARTBEAT_MS, Math.floor(sessionTimeoutMs / 3)) };
}
