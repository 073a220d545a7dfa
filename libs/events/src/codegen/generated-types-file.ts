import { join } from 'node:path';

export const GENERATED_TYPES_FILE = join(__dirname, '../generated/touchpoint-types.ts');
