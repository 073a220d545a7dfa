import { sqlLiteral, type ClickHouseClient } from '@cdp/clickhouse';
import { TYPE_VIEW_ENVELOPE_COLUMNS, type PayloadColumn, type SchemaCatalog } from '@cdp/events';

export class SourceViewError extends Error {
  readonly code = 'ANALYTICS.SOURCE_VIEW';
}

interface ViewDefinition {
  readonly name: string;
  readonly select: string;
  /** Where it comes from, for error messages. */
  readonly origin: string;
  readonly touchpointType: string;
}

/** "survey_response" → "survey_response_touchpoints": the view of one type's touchpoints. */
export function touchpointTypeViewName(touchpointType: string): string {
  return `${touchpointType}_touchpoints`;
}

/**
 * The views of the registered sources, made anew from schemas/ whenever the platform opens
 * ClickHouse: for each type whose manifest names `columns`, `<type>_touchpoints` (one row per
 * touchpoint, resolved to today's customer, its columns typed from the payload schema), then the
 * views the types ship (views/<name>.sql), which may read those. A view never replaces a table or
 * view of the platform's own: `source_views` lists what this made. When ClickHouse refuses one, the
 * views this had already replaced are put back as they were, so that a start refused for a view
 * leaves analysts, and the processes of the version still running, the views they had.
 */
export async function syncSourceViews(client: ClickHouseClient, catalog: SchemaCatalog): Promise<void> {
  const definitions: ViewDefinition[] = [
    ...catalog
      .touchpointTypes()
      .filter((type) => catalog.payloadColumns(type).length > 0)
      .map((type) => ({
        name: touchpointTypeViewName(type),
        select: typeViewSelect(type, catalog.payloadColumns(type)),
        origin: `the columns of schemas/touchpoints/${type}/manifest.json`,
        touchpointType: type,
      })),
    ...catalog.sourceViews().map((view) => ({ ...view, origin: `schemas/touchpoints/${view.touchpointType}/views/${view.name}.sql` })),
  ];
  if (definitions.length === 0) return;
  const owned = new Set((await client.query<{ name: string }>('SELECT DISTINCT name FROM source_views')).map((r) => r.name));
  const existing = new Set((await client.query<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase()')).map((r) => r.name));
  for (const view of definitions) {
    if (existing.has(view.name) && !owned.has(view.name)) {
      throw new SourceViewError(`${view.origin}: the view name ${view.name} is taken by a table or view of the platform; rename the view`);
    }
  }
  const before = await viewStatements(client, [...owned].filter((name) => existing.has(name)));
  const replaced: string[] = [];
  try {
    for (const view of definitions) {
      replaced.push(view.name);
      await client.command(`DROP TABLE IF EXISTS ${view.name}`);
      await client.command(`CREATE VIEW IF NOT EXISTS ${view.name} AS ${view.select}`).catch((error: Error) => {
        throw new SourceViewError(`${view.origin}: ClickHouse refused the view ${view.name}: ${error.message}. Fix the query (it must run on ClickHouse 18.16 and chDB) and start again`);
      });
    }
  } catch (error) {
    const lost = await putBack(client, replaced, before);
    if (lost.length === 0) throw error;
    throw new SourceViewError(`${(error as Error).message}. The views ${lost.join(', ')} could not be put back as they were: they are made again at the next start that succeeds`);
  }
  // Listed once every view is made: a failed start leaves no name here for a view it did not keep.
  const added = definitions.filter((view) => !owned.has(view.name)).map((view) => ({ name: view.name, touchpoint_type: view.touchpointType }));
  if (added.length > 0) await client.insert('source_views', added);
}

/** The CREATE statement of each view named, as ClickHouse holds it. */
async function viewStatements(client: ClickHouseClient, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await client.query<{ name: string; statement: string }>(
    `SELECT name, create_table_query AS statement FROM system.tables WHERE database = currentDatabase() AND name IN (${names.map(sqlLiteral).join(', ')})`,
  );
  return new Map(rows.map((row) => [row.name, row.statement]));
}

/**
 * Drops the views `replaced` and makes again those that existed `before`; answers the names it could
 * not make again, and never fails itself, so the caller reports the first failure. A view may read
 * another, so those ClickHouse refuses are tried again once others are back, until none more can be.
 */
async function putBack(client: ClickHouseClient, replaced: readonly string[], before: ReadonlyMap<string, string>): Promise<string[]> {
  for (const name of replaced) await client.command(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
  let pending = replaced.filter((name) => before.has(name));
  for (let progress = true; pending.length > 0 && progress; ) {
    const refused: string[] = [];
    for (const name of pending) await client.command(before.get(name)!).catch(() => refused.push(name));
    progress = refused.length < pending.length;
    pending = refused;
  }
  return pending;
}

function typeViewSelect(touchpointType: string, columns: readonly PayloadColumn[]): string {
  const payloadNames = new Set(columns.map((c) => c.name));
  // The manifest may name only the envelope columns it may replace (REPLACEABLE_ENVELOPE_COLUMNS).
  const envelope = TYPE_VIEW_ENVELOPE_COLUMNS.filter((name) => !payloadNames.has(name));
  return `SELECT ${[...envelope, ...columns.map(columnExpression)].join(', ')} FROM touchpoint_fields_resolved WHERE type = ${sqlLiteral(touchpointType)}`;
}

/**
 * The field's text, typed by its Avro kind, read as Avro schema resolution reads a touchpoint
 * written with an earlier version: under the field's name, else under one of its aliases (a
 * renamed field), else its default where only an earlier version can lack it (a field added
 * since); NULL where the touchpoint had no value for it.
 */
function columnExpression({ name, kind, formerNames, absentAs }: PayloadColumn): string {
  const typed = (text: string) => ({ integer: `toInt64OrZero(${text})`, float: `toFloat64OrZero(${text})`, boolean: `${text} = 'true'`, text })[kind];
  const fieldValue = (field: string) => typed(`field_values[indexOf(field_names, ${sqlLiteral(field)})]`);
  const branches = [name, ...formerNames].flatMap((field) => [`has(field_names, ${sqlLiteral(field)})`, fieldValue(field)]);
  return `multiIf(${[...branches, absentAs === null ? 'NULL' : typed(sqlLiteral(absentAs))].join(', ')}) AS \`${name}\``;
}
