import { DEAD_LETTER_HEADERS, deadLetterMessage, headerText, messagePosition, withoutValue } from './dead-letter-message';

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

  it('carries at most 8,192 characters of the reason, cut after a whole error, saying how long it was', () => {
    const errors = Array.from({ length: 2_000 }, (_, n) => `payload.items[${n}].sku: must not be blank`);
    const reason = errors.join('; ');
    const message = deadLetterMessage({ key: null, value: Buffer.from('{}'), headers: {} }, { code: 'INVALID_TOUCHPOINT', reason }, 'raw/0:1', new Date());
    const carried = headerText(message.headers, DEAD_LETTER_HEADERS.reason)!;
    expect(carried.length).toBeLessThanOrEqual(8_192 + 40);
    expect(carried).toMatch(/^payload\.items\[0\]\.sku: must not be blank; .*\.sku: must not be blank; … \([\d,]+ characters in all\)$/);
    expect(carried).toContain(`(${reason.length.toLocaleString('en')} characters in all)`);
  });

  it('leaves out the value of a dead letter too large to send, saying how many bytes it had', () => {
    const message = withoutValue(deadLetterMessage({ key: Buffer.from('k'), value: Buffer.alloc(2_000_000), headers: {} }, { code: 'INVALID_TOUCHPOINT', reason: 'x' }, 'raw/0:1', new Date()));
    expect(message.value).toBeNull();
    expect(headerText(message.headers, DEAD_LETTER_HEADERS.valueOmitted)).toBe('2000000');
    expect(headerText(message.headers, DEAD_LETTER_HEADERS.source)).toBe('raw/0:1');
  });
});
