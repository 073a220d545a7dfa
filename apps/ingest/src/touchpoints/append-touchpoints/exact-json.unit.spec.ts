import { isLosslessNumber, parse } from 'lossless-json';
import { parseExactJson } from './exact-json';

const lossless = (text: string) => {
  try {
    return { value: parse(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
};
const exact = (text: string) => {
  try {
    return { value: parseExactJson(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

describe('parseExactJson', () => {
  it('gives plain numbers that read back as written, with the same text', () => {
    const value = parseExactJson('{"quantity": 2, "amount": 12.5, "nested": [-7, 0, "1.50"]}');
    expect(value).toEqual({ quantity: 2, amount: 12.5, nested: [-7, 0, '1.50'] });
  });

  it.each(['300000.10', '1e3', '-0', '12345678901234567890', '1.0'])('keeps the exact text of %s, as lossless-json does', (number) => {
    const value = parseExactJson(`{"amount": ${number}, "other": 1}`) as { amount: unknown };
    expect(isLosslessNumber(value.amount) && value.amount.value).toBe(number);
  });

  it.each([
    ['a key repeated with another value', '{"a": 1, "b": {"c": "x", "c": "y"}}'],
    ['a key repeated with the same value', '{"a": 1, "a": 1}'],
    ['malformed JSON', '{"a": }'],
    ['a trailing comma', '[1, 2,]'],
    ['text after the value', '{"a": 1} x'],
    ['an unterminated string', '{"a": "b'],
  ])('answers %s exactly as lossless-json does', (_, text) => {
    expect(JSON.stringify(exact(text))).toBe(JSON.stringify(lossless(text)));
  });

  it('reads numbers and colons inside strings as text', () => {
    expect(parseExactJson('{"note": "12:30, 1.50 \\" 7:", "path": "C:\\\\", "n": 1.5}')).toEqual({ note: '12:30, 1.50 " 7:', path: 'C:\\', n: 1.5 });
  });

  it('keeps a "__proto__" key as an own field', () => {
    const value = parseExactJson('{"__proto__": {"x": 1}}') as object;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});
