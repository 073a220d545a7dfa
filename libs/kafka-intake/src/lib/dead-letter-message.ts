import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { IntakeRefusal } from './classify-intake-message';

/** Why and when the intake refused a message, and where it read it: headers of the dead-letter topic. */
export const DEAD_LETTER_HEADERS = {
  reason: 'cdp-dlq-reason',
  code: 'cdp-dlq-code',
  source: 'cdp-dlq-source',
  failedAt: 'cdp-dlq-failed-at',
  /** Set on a dead letter too large for the topic to hold with its value: the value's bytes, which the raw topic keeps for its week at the source. */
  valueOmitted: 'cdp-dlq-value-omitted',
} as const;

/** The most of a refusal's reason a dead letter carries: a message with thousands of errors would otherwise make a header of megabytes. */
const MAX_REASON_CHARACTERS = 8_192;

/** Where a message sits: "<topic>/<partition>:<offset>", as log positions are written. */
export function messagePosition(topic: string, partition: number, offset: string): string {
  return `${topic}/${partition}:${offset}`;
}

/**
 * A refused message as the dead-letter topic holds it: its key, value and headers as they came,
 * byte for byte, plus the refusal's headers.
 */
export function deadLetterMessage(original: Pick<KafkaMessage, 'key' | 'value' | 'headers'>, refusal: IntakeRefusal, source: string, failedAt: Date): Message {
  return {
    key: original.key,
    value: original.value,
    headers: {
      ...original.headers,
      [DEAD_LETTER_HEADERS.reason]: cappedReason(refusal.reason),
      [DEAD_LETTER_HEADERS.code]: refusal.code,
      [DEAD_LETTER_HEADERS.source]: source,
      [DEAD_LETTER_HEADERS.failedAt]: failedAt.toISOString(),
    },
  };
}

/**
 * The dead letter without what made it too large to send: its value and the message's own headers
 * (a message may be mostly headers), keeping the refusal's and saying how large the value was.
 */
export function withoutValue(deadLetter: Message): Message {
  const bytes = deadLetter.value === null || deadLetter.value === undefined ? 0 : Buffer.byteLength(deadLetter.value);
  const refusal = Object.fromEntries(Object.values(DEAD_LETTER_HEADERS).flatMap((name) => (deadLetter.headers?.[name] === undefined ? [] : [[name, deadLetter.headers[name]]])));
  return { key: deadLetter.key, value: null, headers: { ...refusal, [DEAD_LETTER_HEADERS.valueOmitted]: String(bytes) } };
}

function cappedReason(reason: string): string {
  if (reason.length <= MAX_REASON_CHARACTERS) return reason;
  const cut = reason.lastIndexOf('; ', MAX_REASON_CHARACTERS);
  return `${reason.slice(0, cut > 0 ? cut : MAX_REASON_CHARACTERS)}; … (${reason.length.toLocaleString('en')} characters in all)`;
}

/** A header's text, or undefined when the message has none of that name. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}
