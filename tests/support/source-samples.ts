import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCHEMAS_DIR, loadSchemaCatalog } from '@cdp/events';
import { sampleLineErrorText, validateSampleLines, type SampleLinesReport } from '@cdp/ingestion';
import { readSettings } from '@cdp/platform-runtime';

/**
 * Checks a file of sample touchpoints of a type against the repository's schemas, as
 * `cdp source validate` does with the default settings, as if they arrived now.
 */
export function checkSamples(type: string, file = join(DEFAULT_SCHEMAS_DIR, 'touchpoints', type, 'samples.ndjson')): SampleLinesReport {
  return validateSampleLines(readFileSync(file, 'utf8'), type, {
    catalog: loadSchemaCatalog(),
    receivedAt: new Date().toISOString(),
    newEventId: randomUUID,
    defaultPhoneRegion: readSettings({}).defaultPhoneRegion,
  });
}

/** What the spec `cdp source add` writes for a type asserts: schemas/touchpoints/<type>/samples.ndjson all pass ingestion. */
export function expectSamplesAccepted(type: string): void {
  const report = checkSamples(type);
  expect(report.errors.map(sampleLineErrorText)).toEqual([]);
  expect(report.valid).toBeGreaterThan(0);
}
