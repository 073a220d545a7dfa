import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { IntakeRefusal } from './classify-intake-message';

/** Why and when the intake refused a message, and where it read it: headers of the dead-letter topic. */
export const DEAD_LETTER_HEADERS = {
  reason: 'cdp-dlq-reason',
  code: 'cdp-dlq-code',
  source: 'cdp-dlq-source',
  failedAt: 'cdp-dlq-failed-at',
} as const;

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
      [DEAD_LETTER_HEADERS.reason]: refusal.reason,
      [DEAD_LETTER_HEADERS.code]: refusal.code,
      [DEAD_LETTER_HEADERS.source]: source,
      [DEAD_LETTER_HEADERS.failedAt]: failedAt.toISOString(),
    },
  };
}

/** A header's text, or undefined when the message has none of that name. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}
