import { resolve } from 'node:path';
import { DEFAULT_SCHEMAS_DIR, readSchemaSources, SchemaCatalog, SchemaCatalogError, type SchemaSources } from '@cdp/events';
import { readSettings, SettingsError, type Settings } from '@cdp/platform-runtime/settings';
import type { CliContext } from '../shared/cli-context';
import { CliError } from '../shared/cli-error';

export const SCHEMAS_OPTION = ['--schemas <dir>', 'the schemas folder (default: $CDP_SCHEMAS_DIR, else the schemas/ of this repository)'] as const;

export interface SourceSettings {
  readonly schemasDir: string;
  readonly defaultPhoneRegion: Settings['defaultPhoneRegion'];
}

/**
 * What the platform itself would read from this environment (CDP_SCHEMAS_DIR,
 * CDP_DEFAULT_PHONE_REGION), so that a check here answers as the platform will; --schemas wins. A relative
 * folder is taken from where the command runs.
 */
export function sourceSettings(schemasFlag: string | undefined, context: Pick<CliContext, 'env' | 'cwd'>): SourceSettings {
  try {
    const settings = readSettings(context.env);
    return { schemasDir: resolve(context.cwd(), schemasFlag ?? settings.schemasDir ?? DEFAULT_SCHEMAS_DIR), defaultPhoneRegion: settings.defaultPhoneRegion };
  } catch (error) {
    if (error instanceof SettingsError) throw new CliError('CLI.SETTINGS_INVALID', error.message);
    throw error;
  }
}

/** The schemas folder read and checked as the platform loads it at start; a folder it would refuse stops the command. */
export function readSchemasFolder(dir: string): { sources: SchemaSources; catalog: SchemaCatalog } {
  try {
    const sources = readSchemaSources(dir);
    return { sources, catalog: new SchemaCatalog(sources) };
  } catch (error) {
    if (error instanceof SchemaCatalogError) throw new CliError('CLI.SCHEMAS_INVALID', `the schemas in ${dir} do not load, so the platform would not start: ${error.message}`);
    throw error;
  }
}
