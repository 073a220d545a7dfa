import { loadSchemaCatalog, touchpointExamples } from '@cdp/events';
import type { IngestionContext } from './prepare-touchpoints';
import { sampleLineErrorText, validateSampleLines } from './validate-sample-lines';

let ids = 0;
const context: IngestionContext = {
  catalog: loadSchemaCatalog(),
  receivedAt: '2026-11-23T08:00:00.000Z',
  newEventId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  defaultPhoneRegion: 'IR',
};
const call = JSON.stringify(touchpointExamples.call);
const callWith = (change: object) => JSON.stringify({ ...touchpointExamples.call, ...change });

describe('validateSampleLines', () => {
  it('accepts every line that POST /v1/touchpoints would accept, skipping blank lines', () => {
    expect(validateSampleLines(`${call}\n\n   \n${call}\r\n${callWith({ identifiers: { phone: '+49 30 123456' } })}\n`, 'call', context)).toEqual({ lines: 3, valid: 3, errors: [] });
  });

  it('locates each error by its line in the file and its field, as ingestion words it', () => {
    const text = [call, '', callWith({ payload: { ...touchpointExamples.call.payload, durationSec: 'long' } }), callWith({ identifiers: { phone: '12' } }), callWith({ identifiers: { customerId: 'null' } })].join('\n');
    const report = validateSampleLines(text, 'call', context);

    expect(report).toMatchObject({ lines: 4, valid: 1 });
    expect(report.errors.map(sampleLineErrorText)).toEqual([
      'line 3: payload.durationSec: must be a whole number between -2147483648 and 2147483647',
      expect.stringMatching(/^line 4: identifiers\.phone: has too few digits for a phone number in region IR/),
      expect.stringMatching(/^line 5: identifiers: needs at least one real identifier/),
    ]);
  });

  it('reads phones with the region it is given', () => {
    const local = callWith({ identifiers: { phone: '030 123456' } });
    expect(validateSampleLines(local, 'call', { ...context, defaultPhoneRegion: 'DE' })).toMatchObject({ valid: 1 });
    expect(validateSampleLines(local, 'call', context)).toMatchObject({ valid: 0 });
  });

  it('reports where a line is not JSON, with its column, parsed as strictly as ingestion parses a body', () => {
    const report = validateSampleLines(`${call}\n{"type": "call",}\n{"type": "call", "type": "visit"}`, 'call', context);
    expect(report).toEqual({
      lines: 3,
      valid: 1,
      errors: [
        { line: 2, path: '(root)', message: "is not valid JSON at column 17: Quoted object key expected but got '}'" },
        { line: 3, path: '(root)', message: "is not valid JSON at column 19: Duplicate key 'type' encountered" },
      ],
    });
  });

  it('refuses a touchpoint of another type than the file holds, or of none', () => {
    const text = [JSON.stringify(touchpointExamples.visit), callWith({ type: undefined }), '[]'].join('\n');
    expect(validateSampleLines(text, 'call', context).errors).toEqual([
      { line: 1, path: 'type', message: 'must be "call", the type this file holds' },
      { line: 2, path: 'type', message: 'must be "call", the type this file holds' },
      { line: 3, path: '(root)', message: 'a touchpoint must be a JSON object' },
    ]);
  });

  it('counts nothing in an empty file', () => {
    expect(validateSampleLines('\n\n', 'call', context)).toEqual({ lines: 0, valid: 0, errors: [] });
  });
});
