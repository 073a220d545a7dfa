import { sseJson } from './stream-customer-changes';

describe('sseJson', () => {
  it('escapes the line separators JSON leaves raw, so that no line reader cuts a change in two, and reads back the same', () => {
    const value = { note: 'line1\u2028line2\u2029para\u0085next', plain: 'سلام' };
    const text = sseJson(value);
    expect(text).toBe('{"note":"line1\\u2028line2\\u2029para\\u0085next","plain":"سلام"}');
    expect(text.split(/\r\n|[\n\r\u2028\u2029\u0085]/)).toHaveLength(1);
    expect(JSON.parse(text)).toEqual(value);
  });
});
