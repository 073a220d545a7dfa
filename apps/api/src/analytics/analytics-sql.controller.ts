import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClickHouseStatementError, MAX_READ_ONLY_ROWS, type ClickHouseClient } from '@cdp/clickhouse';
import { ANALYTICS, HttpRequestError, requestBodyOf } from '@cdp/platform-runtime';
import { isUnreachable } from '@cdp/sql/errors';

/** The query with its string literals, quoted names and comments blanked out, where a ";" ends no statement; positions are kept. */
function codeOf(query: string): string {
  return query.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|--[^\n]*|\/\*[\s\S]*?\*\//g, (text) => ' '.repeat(text.length));
}

/** The one statement of a query: without the ";" that may end it, nor any comment after that; undefined when it holds more than one. */
function oneStatement(text: string): string | undefined {
  const code = codeOf(text).trimEnd();
  const statement = code.endsWith(';') ? text.slice(0, code.length - 1) : text;
  return codeOf(statement).includes(';') ? undefined : statement;
}

export class AnalyticsQueryRefusedError extends Error {
  readonly code = 'ANALYTICS.QUERY_REFUSED';
}

/** ClickHouse did not answer: an outage, not the query's fault. */
export class AnalyticsUnavailableError extends Error {
  readonly code = 'ANALYTICS.UNAVAILABLE';
}

/**
 * Read-only SQL against the analytics tables, for `cdp sql` (in embedded mode only the platform
 * may open chDB). ClickHouse runs it with readonly=1, so it can change nothing.
 */
@ApiTags('admin')
@Controller('v1/admin/sql')
export class AnalyticsSqlController {
  constructor(@Inject(ANALYTICS) private readonly clickhouse: ClickHouseClient) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: `Runs one read-only query (SELECT, SHOW, DESCRIBE...) on the analytics tables; at most ${MAX_READ_ONLY_ROWS} rows come back, so give big queries a LIMIT` })
  @ApiBody({ schema: { example: { query: 'SELECT * FROM revenue_daily ORDER BY day DESC LIMIT 7' } } })
  async query(@Body() raw: unknown) {
    const body = requestBodyOf(raw, ['query']);
    if (typeof body.query !== 'string' || body.query.trim() === '') {
      const message = 'must be one read-only query, as a string';
      throw new HttpRequestError('HTTP.INVALID_REQUEST', `send {"query": "<one read-only query>"}: query ${message}`, [{ path: 'query', message }]);
    }
    const query = oneStatement(body.query.trim());
    // ClickHouse would refuse a second statement too, but at a position in the query as the client wraps it.
    if (query === undefined) throw new AnalyticsQueryRefusedError('send one statement per request: this query holds more than one (a ";" between statements)');
    try {
      const rows = await this.clickhouse.query(query, { readonly: true });
      return { rows: rows.slice(0, MAX_READ_ONLY_ROWS), truncated: rows.length > MAX_READ_ONLY_ROWS };
    } catch (error) {
      const reason = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      if (error instanceof ClickHouseStatementError && isUnreachable(error)) {
        throw new AnalyticsUnavailableError(`ClickHouse did not answer (${reason}); \`cdp projections status\` shows whether the analytics projection retries too. Ask again once it answers`, { cause: error });
      }
      if (error instanceof ClickHouseStatementError) throw new AnalyticsQueryRefusedError(`ClickHouse refused the query: ${reason}`);
      throw error;
    }
  }
}
