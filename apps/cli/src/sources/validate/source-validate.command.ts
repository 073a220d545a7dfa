import { resolve } from 'node:path';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SchemaCatalog } from '@cdp/events';
import { sampleLineErrorText, validateSampleLines, type SampleLinesReport } from '@cdp/ingestion';
import type { CliContext } from '../../shared/cli-context';
import { CliError, UsageError } from '../../shared/cli-error';
import { formatCount } from '../../shared/format';
import { readSchemasFolder, SCHEMAS_OPTION, sourceSettings } from '../source-settings';

export function registerSourceValidateCommand(source: Command, context: CliContext): void {
  source
    .command('validate')
    .description('Check sample touchpoints of a type offline, exactly as POST /v1/touchpoints would: one JSON touchpoint a line. Needs no running platform.')
    .argument('<type>', 'the touchpoint type, e.g. survey_response')
    .argument('<file>', 'the samples, one touchpoint a line (.ndjson), e.g. schemas/touchpoints/survey_response/samples.ndjson')
    .option(...SCHEMAS_OPTION)
    .action((type: string, file: string, flags: { schemas?: string }) => {
      const { schemasDir, defaultPhoneRegion } = sourceSettings(flags.schemas, context);
      const { catalog } = readSchemasFolder(schemasDir);
      if (!catalog.latest(type)) throw new UsageError(unknownTypeMessage(type, catalog, schemasDir));
      const report = validateSampleLines(readSamples(resolve(context.cwd(), file)), type, { catalog, defaultPhoneRegion, receivedAt: context.now().toISOString(), newEventId: randomUUID });
      if (report.lines === 0) throw new CliError('CLI.NO_SAMPLES', `${file} holds no touchpoint: write one JSON touchpoint a line`);
      context.terminal.out(reportText(report));
      const refused = report.lines - report.valid;
      if (refused > 0) {
        throw new CliError('CLI.SAMPLES_REFUSED', `POST /v1/touchpoints would refuse ${formatCount(refused)} of these ${formatCount(report.lines)} touchpoints: fix them (or the schema and manifest) and validate again.`);
      }
    });
}

function unknownTypeMessage(type: string, catalog: SchemaCatalog, schemasDir: string): string {
  return `${schemasDir} has no touchpoint type "${type}"; it has ${catalog.touchpointTypes().join(', ')}. Pass --schemas with the folder that holds it, or add it with \`cdp source add ${type} --owner <team>\`.`;
}

function readSamples(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Every refused line, then "12 lines: 11 valid, 1 refused". */
function reportText(report: SampleLinesReport): string {
  const summary = `${formatCount(report.lines)} line${report.lines === 1 ? '' : 's'}: ${formatCount(report.valid)} valid, ${formatCount(report.lines - report.valid)} refused`;
  return [...report.errors.map(sampleLineErrorText), summary].join('\n');
}
