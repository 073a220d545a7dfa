import type { ReplayOutcome } from '@cdp/kafka-intake';
import { formatCount, formatTable } from '../../shared/format';

/** What `cdp dlq replay` did, each dead letter still refused with its reason, and what to do next. */
export function replaySummaryText(outcome: ReplayOutcome, deadLetterTopic: string): string {
  if (outcome.read === 0) return `No dead letters in ${deadLetterTopic}: the intake has refused nothing.`;
  const counts = formatTable(
    ['REPLAYED', 'COUNT'],
    [
      ['appended', formatCount(outcome.appended)],
      ['already in the log', formatCount(outcome.alreadyInLog)],
      ['still refused', formatCount(outcome.stillRefused.length)],
    ],
  );
  const heading = `Replayed the ${formatCount(outcome.read)} dead letter(s) of ${deadLetterTopic}:\n\n${counts}`;
  if (outcome.stillRefused.length === 0) {
    return `${heading}\n\nEvery dead letter is in the log now. Replaying again appends nothing twice.`;
  }
  const refused = formatTable(
    ['SOURCE', 'CODE', 'REASON'],
    outcome.stillRefused.map((r) => [r.source, r.code, r.reason]),
  );
  return [
    heading,
    refused,
    'Next: register the schema a producer uses (UNKNOWN_SCHEMA_ID: schemas/, see docs/ingestion.md) or fix what it sends, then run `cdp dlq replay` again; it appends nothing twice. Messages that will never be valid stay in the topic; they are harmless.',
  ].join('\n\n');
}
