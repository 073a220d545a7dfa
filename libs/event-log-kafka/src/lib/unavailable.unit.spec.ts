import { isUnavailable } from './unavailable';

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

describe('isUnavailable', () => {
  it.each([
    ['a broker that does not answer', named('KafkaJSConnectionError')],
    ['retries run out, wrapping a timeout', named('KafkaJSNumberOfRetriesExceeded', { originalError: named('KafkaJSRequestTimeoutError') })],
    ['an error kafkajs calls retriable', named('KafkaJSProtocolError', { retriable: true, type: 'LEADER_NOT_AVAILABLE' })],
    ["Postgres's connection lost", new Error('Connection terminated unexpectedly')],
    ['Postgres shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a refused socket, as a cause', new Error('append failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) })],
  ])('is true of %s', (_, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it.each([
    ['a message too large', named('KafkaJSProtocolError', { retriable: false, type: 'MESSAGE_TOO_LARGE' })],
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'offset')")],
  ])('is false of %s', (_, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});
