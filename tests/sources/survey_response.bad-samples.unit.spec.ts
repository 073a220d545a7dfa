import { join } from 'node:path';
import { checkSamples } from '../support/source-samples';

it('locates each refused survey_response sample on its line, as ingestion would refuse it', () => {
  expect(checkSamples('survey_response', join(__dirname, '../fixtures/survey_response/bad-samples.ndjson'))).toEqual({
    lines: 3,
    valid: 0,
    errors: [
      { line: 1, path: '(root)', message: "is not valid JSON at column 252: Quoted object key expected but got '}'" },
      { line: 2, path: 'payload.npsScore', message: 'must be from 0 to 10, not 11' },
      { line: 3, path: 'identifiers', message: expect.stringContaining('needs at least one real identifier') },
    ],
  });
});
