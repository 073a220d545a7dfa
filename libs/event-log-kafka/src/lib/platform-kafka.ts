import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';

/**
 * What a broker answers, for a moment, while a new topic's partitions get their leaders or a
 * consumer group's coordinator loads or moves: kafkajs asks again, and fails the call only if
 * these answers go on past its retries. (The messages are kafkajs's, in its protocol/error.js.)
 */
const ANSWERS_KAFKAJS_RETRIES = new Set([
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server is not the leader for that topic-partition',
  "The coordinator is loading and hence can't process requests for this group",
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
  'The group is rebalancing, so a rejoin is needed',
  // A member that was away past its session (a stalled process) is told so on each request, and rejoins.
  'The coordinator is not aware of this member',
]);

/**
 * What kafkajs warns of about a setting the platform chose on purpose: the idempotent producer's
 * retries are bounded (idempotent-producer.ts) so that a send gives up within the accepted-ids
 * lease, and a failed send retires its producer; a touchpoint sent again after that is kept once
 * by the accepted-ids index, not by Kafka's exactly-once.
 */
const WARNINGS_OF_CHOSEN_SETTINGS = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/**
 * What kafkajs logs, as ERROR, each time it cannot reach a broker, before it tries again (another
 * seed broker, a new connection): a broker that stays away fails the call, or crashes the
 * consumer, and that is logged.
 */
function isConnectionRetry({ namespace, log }: LogEntry): boolean {
  if (namespace === 'Connection') return /^Connection (error|timeout)/.test(log.message);
  return namespace === 'BrokerPool' && log.message.startsWith('Failed to connect to seed broker, trying another broker');
}

/** The ERROR lines of conditions kafkajs retries, and the warnings of settings chosen on purpose, which are logged at DEBUG instead. */
function isExpected(entry: LogEntry): boolean {
  if (entry.level === logLevel.WARN) return WARNINGS_OF_CHOSEN_SETTINGS.has(entry.log.message);
  if (entry.level !== logLevel.ERROR) return false;
  return (entry.namespace === 'Connection' && ANSWERS_KAFKAJS_RETRIES.has(String(entry.log.error))) || isConnectionRetry(entry);
}

const print: Record<number, (line: string) => void> = {
  [logLevel.ERROR]: (line) => console.error(line),
  [logLevel.WARN]: (line) => console.warn(line),
  [logLevel.INFO]: (line) => console.info(line),
  [logLevel.DEBUG]: (line) => console.log(line),
};

/**
 * kafkajs's own log lines (one JSON object each), except that what it retries is logged at DEBUG,
 * not ERROR, and so is its warning about the producer's bounded retries, on every start. kafkajs
 * logs every error answer, and every failed attempt to connect, as an ERROR before it tries again,
 * so each process's first start on a new namespace, and each rebalance, wrote lines that looked
 * like failures and were not, and a start without Kafka wrote a dozen before the platform said
 * which server did not answer.
 */
export const kafkaLogs: logCreator = (configured) => (entry: LogEntry) => {
  const [level, label] = isExpected(entry) ? [logLevel.DEBUG, 'DEBUG'] : [entry.level, entry.label];
  if (level > configured) return;
  const prefix = entry.namespace ? `[${entry.namespace}] ` : '';
  print[level]?.(JSON.stringify({ level: label, ...entry.log, message: `${prefix}${entry.log.message}` }));
};

/** A kafkajs client of the platform: warnings and errors only, through kafkaLogs. */
export function platformKafka(options: { readonly clientId: string; readonly brokers: readonly string[]; readonly logLevel?: logLevel }): Kafka {
  return new Kafka({ clientId: options.clientId, brokers: [...options.brokers], logLevel: options.logLevel ?? logLevel.WARN, logCreator: kafkaLogs });
}
