import fc from 'fast-check';
import { JSON_TEXTS_SEPARATOR, jsonTexts } from './json-texts';

describe('jsonTexts', () => {
  it('splits back into each value, whatever its strings hold', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 20 }), fc.string({ unit: 'binary' }), (values, text) => {
        const withControls = [...values, { note: `${text}${JSON_TEXTS_SEPARATOR}\u0000\t"\\` }];
        const parts = jsonTexts(withControls).split(JSON_TEXTS_SEPARATOR);
        expect(parts.map((part) => JSON.parse(part) as unknown)).toEqual(JSON.parse(JSON.stringify(withControls)));
      }),
    );
  });
});
