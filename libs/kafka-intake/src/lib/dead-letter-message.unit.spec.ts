import { deadLetterMessage, headerText, messagePosition } from './dead-letter-message';

describe('deadLetterMessage', () => {
  it('keeps the key, value and headers as they came, and adds why, what, where and when', () => {
    const original = { key: Buffer.from([0xff, 0x00]), value: Buffer.from([0x00, 0x00, 0x00, 0x03, 0xe7]), headers: { 'trace-id': Buffer.from('t-1') } };
    const failedAt = new Date('2026-11-23T08:00:00Z');
    const message = deadLetterMessage(original, { code: 'UNKNOWN_SCHEMA_ID', reason: 'schema id 999 is not in the registry' }, messagePosition('cdp.touchpoints.raw.v1', 2, '41'), failedAt);
    expect(message).toEqual({
      key: original.key,
      value: original.value,
      headers: {
        'trace-id': original.headers['trace-id'],
        'cdp-dlq-reason': 'schema id 999 is not in the registry',
        'cdp-dlq-code': 'UNKNOWN_SCHEMA_ID',
        'cdp-dlq-source': 'cdp.touchpoints.raw.v1/2:41',
        'cdp-dlq-failed-at': '2026-11-23T08:00:00.000Z',
      },
    });
    expect(headerText(message.headers, 'cdp-dlq-source')).toBe('cdp.touchpoints.raw.v1/2:41');
    expect(headerText(message.headers, 'trace-id')).toBe('t-1');
    expect(headerText(message.headers, 'missing')).toBeUndefined();
  });
});
