import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { SchemaCatalogError, validateManifest, type TouchpointSchemaId } from '@cdp/events';
import type { CliContext } from '../../shared/cli-context';
import { UsageError } from '../../shared/cli-error';
import { readSchemasFolder, SCHEMAS_OPTION, sourceSettings } from '../source-settings';
import { newManifest, scaffoldFiles, sourcePaths, typeNameClash, type ScaffoldFile } from './source-scaffold';

export function registerSourceAddCommand(source: Command, context: CliContext): void {
  source
    .command('add')
    .description('Scaffold a new touchpoint type: its payload schema, manifest, sample touchpoints, schema id, and a unit test of the samples. Needs no running platform.')
    .argument('<type>', 'the new type, in lower_snake_case, e.g. survey_response')
    .requiredOption('--owner <team>', '(required) the team that owns the source and answers for its schema, e.g. customer-experience')
    .option(...SCHEMAS_OPTION)
    .action((type: string, flags: { owner: string; schemas?: string }) => {
      const manifest = checkedManifest(type, flags.owner);
      const { schemasDir } = sourceSettings(flags.schemas, context);
      const { sources } = readSchemasFolder(schemasDir);
      const { folder, samples, spec } = sourcePaths(schemasDir, type);
      // Relative to where the command runs, so that the next commands it prints work as they are; absolute when outside it.
      const shown = (path: string) => (relative(context.cwd(), path).startsWith('..') ? path : relative(context.cwd(), path));
      if (existsSync(folder)) throw new UsageError(`the touchpoint type "${type}" already exists (${shown(folder)}): change its schema there, or choose another name`);
      if (spec && existsSync(spec)) throw new UsageError(`${shown(spec)} already exists: remove it, or choose another name`);
      const clash = typeNameClash(type, sources);
      if (clash) throw new UsageError(`cannot add "${type}": ${clash}`);

      const { schemaId, files } = scaffoldFiles(type, manifest, schemasDir, sources, context.now());
      for (const { path, text } of files) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
      // The next commands name a folder given by flag too, or they would read the default one; the
      // platform is started from its own checkout, so it is told the folder in full.
      const folderGiven = flags.schemas === undefined ? undefined : { here: shellWord(shown(schemasDir)), anywhere: shellWord(schemasDir) };
      context.terminal.out(
        addedText(type, flags.owner, schemaId, files.map((file) => ({ ...file, path: shown(file.path) })), { samples: shellWord(shown(samples)), withSpec: spec !== undefined, folderGiven }),
      );
    });
}

/** The manifest to write, held to the rules the platform loads it by (the name, the owner). */
function checkedManifest(type: string, owner: string): object {
  const manifest = newManifest(type, owner);
  try {
    validateManifest(manifest, `cannot add "${type}"`);
    return manifest;
  } catch (error) {
    if (error instanceof SchemaCatalogError) throw new UsageError(error.message);
    throw error;
  }
}

function addedText(
  type: string,
  owner: string,
  schemaId: TouchpointSchemaId,
  files: readonly ScaffoldFile[],
  next: { samples: string; withSpec: boolean; folderGiven: { here: string; anywhere: string } | undefined },
): string {
  const width = Math.max(...files.map((file) => file.path.length));
  const schemasFlag = next.folderGiven === undefined ? '' : ` --schemas ${next.folderGiven.here}`;
  return [
    `Added the touchpoint type ${type}, owned by ${owner} (schema id ${schemaId.id}: payload ${schemaId.payload} on envelope ${schemaId.envelope}):`,
    ...files.map((file) => `  ${file.path.padEnd(width)}  ${file.about}`),
    '',
    'Next:',
    '  1. Edit v1.avsc and manifest.json for what your source sends, and put real examples in samples.ndjson.',
    '     Until a producer sends touchpoints of this type, edit v1 freely; after that, a change is a new version (v2.avsc).',
    `  2. npx cdp source validate ${type} ${next.samples}${schemasFlag}${next.withSpec ? '' : '   (the schemas folder is not in a checkout of the platform, so no unit test was written: run this in your CI)'}`,
    `  3. npx cdp schema check${schemasFlag}   (once v1 is final, it gives the fingerprint to seal it with in schema-ids.json)`,
    next.folderGiven === undefined
      ? '  4. Restart the platform (npm start) so that it loads the type, then point your producer at POST /v1/touchpoints.'
      : `  4. Restart the platform with CDP_SCHEMAS_DIR=${next.folderGiven.anywhere} so that it loads the type, then point your producer at POST /v1/touchpoints.`,
  ].join('\n');
}

/** A path as one word of a shell command. */
function shellWord(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
