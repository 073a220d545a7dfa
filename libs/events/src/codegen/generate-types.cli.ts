import { writeFileSync } from 'node:fs';
import { loadSchemaCatalog } from '../lib/catalog/load-schema-catalog';
import { touchpointTypesSource } from './avro-to-typescript';
import { GENERATED_TYPES_FILE } from './generated-types-file';

writeFileSync(GENERATED_TYPES_FILE, touchpointTypesSource(loadSchemaCatalog()));
console.log(`wrote ${GENERATED_TYPES_FILE}`);
