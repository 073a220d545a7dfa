import { readFileSync } from 'node:fs';
import { loadSchemaCatalog } from '../lib/catalog/load-schema-catalog';
import { touchpointTypesSource } from './avro-to-typescript';
import { GENERATED_TYPES_FILE } from './generated-types-file';

describe('generated touchpoint types', () => {
  it('match schemas/: run `npm run schemas:generate` after changing a schema', () => {
    expect(readFileSync(GENERATED_TYPES_FILE, 'utf8')).toBe(touchpointTypesSource(loadSchemaCatalog()));
  });
});
