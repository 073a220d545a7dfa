import { LosslessNumber } from 'lossless-json';
import { Type } from 'avsc';
import type { FieldError } from './field-error';
import { compileAvroJsonReader, type MoneyPaths } from './avro-json-reader';

const noMoney: MoneyPaths = { amounts: new Set(), currencies: new Set() };
const read = (schema: object, json: unknown, money = noMoney) => {
  const errors: FieldError[] = [];
  const value = compileAvroJsonReader(Type.forSchema(schema as never, { wrapUnions: false } as never), money)(json, errors);
  return { value, errors };
};

describe('compileAvroJsonReader', () => {
  it('reads a recursive type as deep as the value goes', () => {
    const node = { type: 'record', name: 'Node', fields: [{ name: 'label', type: 'string' }, { name: 'next', type: ['null', 'Node'], default: null }] };
    expect(read(node, { label: 'a', next: { label: 'b', next: { label: 3 } } })).toEqual({
      value: { label: 'a', next: { label: 'b', next: { label: undefined, next: null } } },
      errors: [{ path: 'next.next.label', message: 'must be a string' }],
    });
  });

  it('treats a money path below a map as money, key by key', () => {
    const prices = { type: 'record', name: 'Prices', fields: [{ name: 'byShop', type: { type: 'map', values: 'string' } }] };
    const money = { amounts: new Set(['byShop.north']), currencies: new Set<string>() };
    expect(read(prices, { byShop: { north: '0012.50', south: '0012.50' } }, money).value).toEqual({ byShop: { north: '12.50', south: '0012.50' } });
    expect(read(prices, { byShop: { north: 'ten' } }, money).errors).toEqual([{ path: 'byShop.north', message: expect.stringContaining('decimal amount') }]);
  });

  it('takes a whole number written with a zero fraction (60.0, as Python writes whole floats) as an int, and refuses a fraction', () => {
    const call = { type: 'record', name: 'Call', fields: [{ name: 'seconds', type: 'int' }] };
    expect(read(call, { seconds: new LosslessNumber('60.0') })).toEqual({ value: { seconds: 60 }, errors: [] });
    expect(read(call, { seconds: new LosslessNumber('60.5') }).errors).toEqual([{ path: 'seconds', message: 'must be a whole number between -2147483648 and 2147483647' }]);
  });

  it('takes the first branch of a union that fits, and names the branches when none does', () => {
    const schema = { type: 'record', name: 'R', fields: [{ name: 'v', type: ['null', 'int', 'string'] }] };
    expect(read(schema, { v: 'x' })).toEqual({ value: { v: 'x' }, errors: [] });
    expect(read(schema, { v: true }).errors).toEqual([{ path: 'v', message: 'must be one of: int, string' }]);
  });

  it('keeps map keys that are not plain names, quoted in paths, and refuses "__proto__", which decoders drop', () => {
    const schema = { type: 'record', name: 'R', fields: [{ name: 'tags', type: { type: 'map', values: 'string' } }] };
    const { value, errors } = read(schema, { tags: { 'utm source': 'x', 'utm-medium': 'y' } });
    expect(value).toEqual({ tags: { 'utm source': 'x', 'utm-medium': 'y' } });
    expect(errors).toEqual([]);
    expect(read(schema, { tags: JSON.parse('{"__proto__": "p", "utm source": 1}') }).errors).toEqual([
      { path: 'tags.__proto__', message: 'is a key JavaScript cannot keep in an object (it names the prototype): rename it' },
      { path: 'tags["utm source"]', message: 'must be a string' },
    ]);
  });
});
