import type { Kafka } from 'kafkajs';
import type { EventLog } from '@cdp/event-log';
import type { SchemaCatalog } from '@cdp/events';
import type { NormalizationPolicy } from '@cdp/identity';
import { appendAccepted, type AcceptedTouchpoint } from './append-accepted';
import { classifyIntakeMessage, type IntakeRefusal } from './classify-intake-message';
import { DEAD_LETTER_HEADERS, headerText, messagePosition } from './dead-letter-message';
import type { TouchpointIntakeTopics } from './intake-topics';
import { readTopicToEnd } from './read-topic-to-end';

export interface ReplayDeadLettersOptions {
  readonly kafka: Kafka;
  readonly topics: TouchpointIntakeTopics;
  readonly log: EventLog;
  /** The schemas as they are now, after the fix. */
  readonly catalog: SchemaCatalog;
  readonly policy: NormalizationPolicy;
  readonly now: () => Date;
  readonly onProgress?: (done: number, total: number) => void;
}

/** A dead letter that the current schemas still refuse, and where the intake read it. */
export interface StillRefused extends IntakeRefusal {
  readonly source: string;
}

export interface ReplayOutcome {
  readonly read: number;
  readonly appended: number;
  /** Valid now, but the log already held their event ids: an earlier replay appended them. */
  readonly alreadyInLog: number;
  readonly stillRefused: readonly StillRefused[];
}

/**
 * Reads the dead-letter topic from its beginning to its current end and validates each message
 * again with the intake's rules and the current schemas; the valid ones are appended with the
 * event id the intake would have given them, so replaying twice appends nothing twice. The topic
 * is left as it is: a replay can be repeated.
 */
export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplayOutcome> {
  const { topics } = options;
  let total = 0;
  let done = 0;
  let appended = 0;
  let alreadyInLog = 0;
  const stillRefused: StillRefused[] = [];
  await readTopicToEnd(
    options.kafka,
    topics.deadLetters,
    async (partition, messages) => {
      const context = { ...options.policy, catalog: options.catalog, receivedAt: options.now().toISOString() };
      const accepted: AcceptedTouchpoint[] = [];
      for (const message of messages) {
        // A dead letter produced by hand has no source: its own position keeps its derived id stable.
        const source = headerText(message.headers, DEAD_LETTER_HEADERS.source) ?? messagePosition(topics.deadLetters, partition, message.offset);
        const decision = classifyIntakeMessage(message.value, source, context);
        if (decision.kind === 'append') accepted.push({ touchpoint: decision.touchpoint, streamId: decision.streamId, source });
        else {
          const omitted = headerText(message.headers, DEAD_LETTER_HEADERS.valueOmitted);
          // Set aside without its value, too large for the dead-letter topic: the raw topic has it, for its week.
          const reason = omitted === undefined ? decision.reason : `its value (${omitted} bytes) was left out, too large for the dead-letter topic: read it at ${source}`;
          stillRefused.push({ source, code: decision.code, reason });
        }
      }
      const results = accepted.length > 0 ? await appendAccepted(options.log, accepted) : [];
      for (const event of results.flatMap((r) => r.events)) {
        if (event.duplicate) alreadyInLog++;
        else appended++;
      }
      done += messages.length;
      options.onProgress?.(done, total);
    },
    {
      onTotal: (count) => {
        total = count;
        options.onProgress?.(0, total);
      },
    },
  );
  return { read: done, appended, alreadyInLog, stillRefused };
}
