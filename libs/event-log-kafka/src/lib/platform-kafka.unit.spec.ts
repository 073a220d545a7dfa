import { logLevel, type LogEntry } from 'kafkajs';
import { kafkaLogs } from './platform-kafka';

function entry(level: logLevel, label: string, namespace: string, error?: string, message = 'Response ListOffsets(key: 2, version: 3)'): LogEntry {
  return { namespace, level, label, log: { timestamp: '2026-12-05T17:46:18.243Z', logger: 'kafkajs', message, error, correlationId: 10 } as LogEntry['log'] };
}

describe('kafkaLogs', () => {
  const printed = { error: [] as string[], warn: [] as string[], debug: [] as string[] };
  beforeEach(() => {
    printed.error = [];
    printed.warn = [];
    printed.debug = [];
    jest.spyOn(console, 'error').mockImplementation((line: string) => void printed.error.push(line));
    jest.spyOn(console, 'warn').mockImplementation((line: string) => void printed.warn.push(line));
    jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.debug.push(line));
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs a broker answer that kafkajs retries at DEBUG, so a platform logging warnings leaves it out', () => {
    const retried = entry(logLevel.ERROR, 'ERROR', 'Connection', 'This server is not the leader for that topic-partition');
    kafkaLogs(logLevel.WARN)(retried);
    expect(printed).toEqual({ error: [], warn: [], debug: [] });

    kafkaLogs(logLevel.DEBUG)(retried);
    expect(printed.debug.map((line) => JSON.parse(line))).toEqual([
      {
        level: 'DEBUG',
        timestamp: '2026-12-05T17:46:18.243Z',
        logger: 'kafkajs',
        message: '[Connection] Response ListOffsets(key: 2, version: 3)',
        error: 'This server is not the leader for that topic-partition',
        correlationId: 10,
      },
    ]);
  });

  it('logs the failed attempts to reach a broker that kafkajs makes again at DEBUG', () => {
    const attempts = [
      entry(logLevel.ERROR, 'ERROR', 'Connection', undefined, 'Connection error: connect ECONNREFUSED 127.0.0.1:9999'),
      entry(logLevel.ERROR, 'ERROR', 'Connection', undefined, 'Connection timeout'),
      entry(logLevel.ERROR, 'ERROR', 'BrokerPool', undefined, 'Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9999'),
    ];
    for (const attempt of attempts) kafkaLogs(logLevel.WARN)(attempt);
    expect(printed).toEqual({ error: [], warn: [], debug: [] });

    for (const attempt of attempts) kafkaLogs(logLevel.DEBUG)(attempt);
    expect(printed.debug.map((line) => JSON.parse(line).message)).toEqual([
      '[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9999',
      '[Connection] Connection timeout',
      '[BrokerPool] Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9999',
    ]);
  });

  it('logs every other line as kafkajs would: its level, its namespace before the message', () => {
    kafkaLogs(logLevel.WARN)(entry(logLevel.ERROR, 'ERROR', 'Connection', 'Topic authorization failed'));
    kafkaLogs(logLevel.WARN)(entry(logLevel.ERROR, 'ERROR', 'Consumer', 'The group is rebalancing, so a rejoin is needed'));
    kafkaLogs(logLevel.WARN)(entry(logLevel.WARN, 'WARN', 'Producer'));
    kafkaLogs(logLevel.WARN)(entry(logLevel.ERROR, 'ERROR', 'Consumer', undefined, 'Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED'));
    expect(printed.error.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'ERROR', message: '[Connection] Response ListOffsets(key: 2, version: 3)', error: 'Topic authorization failed' }),
      expect.objectContaining({ level: 'ERROR', message: '[Consumer] Response ListOffsets(key: 2, version: 3)', error: 'The group is rebalancing, so a rejoin is needed' }),
      expect.objectContaining({ level: 'ERROR', message: '[Consumer] Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED' }),
    ]);
    expect(printed.warn.map((line) => JSON.parse(line).message)).toEqual(['[Producer] Response ListOffsets(key: 2, version: 3)']);
    expect(Object.keys(JSON.parse(printed.error[0]))[0]).toBe('level');
  });

  it('logs at DEBUG a stalled member told to rejoin, on each of its requests, and the warning about the producer retries the platform bounds on purpose', () => {
    kafkaLogs(logLevel.WARN)(entry(logLevel.ERROR, 'ERROR', 'Connection', 'The coordinator is not aware of this member'));
    kafkaLogs(logLevel.WARN)(entry(logLevel.WARN, 'WARN', 'Producer', undefined, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'));
    kafkaLogs(logLevel.WARN)(entry(logLevel.WARN, 'WARN', 'Producer', undefined, 'another warning'));
    expect(printed).toEqual({ error: [], warn: [expect.stringContaining('another warning')], debug: [] });
  });
});
