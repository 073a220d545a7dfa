import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SchemaCatalog } from './schema-catalog';
import type { SchemaSources } from './schema-sources';
import { SchemaCatalogError } from './schema-catalog-error';
import { validateManifest } from './touchpoint-manifest';

/** The schemas/ folder of this repository. */
export const DEFAULT_SCHEMAS_DIR = resolve(__dirname, '../../../../../schemas');

/** Reads schemas/ (envelope/, touchpoints/<type>/, feed/<name>/, schema-ids.json) into a catalog. */
export function loadSchemaCatalog(dir: string = DEFAULT_SCHEMAS_DIR): SchemaCatalog {
  try {
    return new SchemaCatalog(readSchemaSources(dir));
  } catch (error) {
    throw error instanceof SchemaCatalogError ? inSchemasFolder(error, dir) : error;
  }
}

/** Messages name files as "schemas/…": says which folder that is when it is not this repository's. */
export function inSchemasFolder(error: SchemaCatalogError, dir: string): SchemaCatalogError {
  const folder = resolve(dir);
  return folder === DEFAULT_SCHEMAS_DIR || error.message.includes(folder) ? error : new SchemaCatalogError(`${error.message} (schemas/ here is ${folder})`);
}

export function readSchemaSources(dir: string): SchemaSources {
  if (!existsSync(join(dir, 'schema-ids.json'))) throw new SchemaCatalogError(`${dir} holds no schema-ids.json: is it a schemas folder?`);
  const touchpointsDir = join(dir, 'touchpoints');
  const touchpoints = Object.fromEntries(
    readdirSync(touchpointsDir, { withFileTypes: true })
      // A hidden folder (.git, an editor's) is no type.
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map(({ name }) => {
        const folder = join(touchpointsDir, name);
        if (!existsSync(join(folder, 'manifest.json'))) {
          throw new SchemaCatalogError(`schemas/touchpoints/${name} holds no manifest.json: a touchpoint type's folder holds its manifest and schema versions (\`cdp source add\` writes them), so remove the folder or add them`);
        }
        const manifest = validateManifest(readJson(join(folder, 'manifest.json')), `schemas/touchpoints/${name}/manifest.json`);
        if (manifest.type !== name) throw new SchemaCatalogError(`schemas/touchpoints/${name}/manifest.json: "type" must be "${name}", the folder's name`);
        return [name, { manifest, payloads: readVersions(folder), views: readViews(join(folder, 'views'), `schemas/touchpoints/${name}/views`) }];
      }),
  );
  return {
    envelopes: readVersions(join(dir, 'envelope')),
    touchpoints,
    feed: readFeedSchemas(join(dir, 'feed')),
    ids: (readJson(join(dir, 'schema-ids.json')) as { ids: SchemaSources['ids'] }).ids,
  };
}

function readFeedSchemas(feedDir: string): SchemaSources['feed'] {
  if (!existsSync(feedDir)) return {};
  return Object.fromEntries(
    readdirSync(feedDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map(({ name }) => [name, readVersions(join(feedDir, name))]),
  );
}

const VIEW_FILE = /^([a-z][a-z0-9_]*)\.sql$/;

/** Comment lines ("-- ...") and blank lines before the query: a label the file may open with. */
const LEADING_COMMENTS = /^(\s*--[^\n]*(\n|$))+/;

/** A type's views/<name>.sql files: each holds one SELECT, which becomes the view <name>, after any comment lines it opens with. */
function readViews(folder: string, where: string): Record<string, string> {
  if (!existsSync(folder)) return {};
  return Object.fromEntries(
    readdirSync(folder)
      .filter((file) => file.endsWith('.sql'))
      .map((file) => {
        const name = VIEW_FILE.exec(file)?.[1];
        if (!name) throw new SchemaCatalogError(`${where}/${file}: a view file is named <view_name>.sql, in lower_snake_case`);
        const select = readFileSync(join(folder, file), 'utf8').replace(LEADING_COMMENTS, '').trim().replace(/;\s*$/, '');
        if (!/^(select|with)\b/i.test(select)) throw new SchemaCatalogError(`${where}/${file}: must hold one SELECT query (the view's body), not ${JSON.stringify(select.slice(0, 30))}`);
        return [name, select];
      }),
  );
}

function readVersions(folder: string): Record<string, object> {
  return Object.fromEntries(
    readdirSync(folder)
      .filter((file) => /^v\d+\.avsc$/.test(file))
      .map((file) => [file.replace('.avsc', ''), readJson(join(folder, file)) as object]),
  );
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SchemaCatalogError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
