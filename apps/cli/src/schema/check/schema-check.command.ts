import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkSchemaFolder, DEFAULT_SCHEMAS_DIR, formatProblem, inSchemasFolder, readSchemaSources, SchemaCatalogError, type SchemaHistoryCheck } from '@cdp/events';
import { CliError } from '../../shared/cli-error';
import type { CliContext } from '../../shared/cli-context';
import { formatTable } from '../../shared/format';

export function registerSchemaCheckCommand(schema: Command, context: CliContext): void {
  schema
    .command('check')
    .description('Check every published schema version against the one before it, under its compatibility policy, and the latest against all earlier ones. Needs no platform.')
    .option('--schemas <dir>', "the schemas folder (default: $CDP_SCHEMAS_DIR, else the repository's schemas/)")
    .action((flags: { schemas?: string }) => {
      const dir = resolve(context.cwd(), flags.schemas ?? context.env.CDP_SCHEMAS_DIR ?? DEFAULT_SCHEMAS_DIR);
      const checks = checkFolder(dir);
      context.terminal.out(schemaCheckText(checks, dir));
      if (checks.some((check) => check.problems.length > 0)) throw new CliError('CLI.SCHEMAS_INCOMPATIBLE', 'fix the schemas above, or add a new version instead of changing a published one.');
      if (checks.some(failed)) throw new CliError('CLI.SCHEMAS_UNSEALED', 'seal each version above with its fingerprint, so that a change to its files is refused from then on.');
    });
}

function checkFolder(dir: string): SchemaHistoryCheck[] {
  try {
    return checkSchemaFolder(readSchemaSources(dir));
  } catch (error) {
    if (error instanceof SchemaCatalogError) throw new CliError(error.code, inSchemasFolder(error, dir).message);
    if ((error as NodeJS.ErrnoException).syscall) throw new CliError('CLI.SCHEMAS_UNREADABLE', `cannot read the schemas folder ${dir}: ${(error as Error).message}`);
    throw error;
  }
}

/** A row per touchpoint type and feed subject, each problem indented under its row, and a last line. */
function schemaCheckText(checks: readonly SchemaHistoryCheck[], dir: string): string {
  const rows = checks.map((check) => [check.name, check.versions.map(({ version, id }) => `v${version} (id ${id})`).join(', '), check.policy, failed(check) ? 'FAILED' : 'OK']);
  const [header, rule, ...lines] = formatTable(['TYPE OR SUBJECT', 'VERSIONS', 'POLICY', 'RESULT'], rows).split('\n');
  const body = lines.flatMap((line, i) => [
    line,
    ...checks[i].problems.map((problem) => `    v${problem.previous} → v${problem.next}  ${formatProblem(problem)}`),
    ...checks[i].unsealed.map(({ version, id, fingerprint }) => `    v${version}  not sealed: once it is final, add "fingerprint": "${fingerprint}" to the entry of id ${id} in schema-ids.json`),
  ]);
  const failures = checks.filter(failed).length;
  const summary = failures === 0 ? `All ${checks.length} pass (schemas in ${dir}).` : `${failures} of ${checks.length} failed (schemas in ${dir}).`;
  return [header, rule, ...body, '', summary].join('\n');
}

function failed(check: SchemaHistoryCheck): boolean {
  return check.problems.length > 0 || check.unsealed.length > 0;
}
