import type { IdentityConflict } from '@cdp/customer-projection';
import type { AcceptedTouchpoint, DeadLetter, RfmRun, RfmSegments, ProjectionStatus, RebuildProgress, RetryResult, RetryTarget, TouchpointError } from './admin-api';
import { EndpointNotServedError, PlatformRequestError, PlatformUnreachableError, TouchpointsRefusedError } from './platform-client.errors';
import { unreachableSocketError } from '@cdp/platform-runtime/settings';
import { formatDuration } from '../shared/format';

type Fetch = typeof fetch;

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A run answers once it is done, after the platform has waited for the projections it reads
 * (CDP_RFM_CATCH_UP_TIMEOUT_MS, 2 minutes by default): a first run of a million customers takes
 * about a minute and a half on two cores.
 */
const RFM_RUN_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A small typed client of the running platform's HTTP API: ingestion, the profile query and the
 * admin API. Every failure is a CliError whose message says what to do next.
 */
export class PlatformClient {
  private readonly timeoutMs: number;
  private readonly rfmRunTimeoutMs: number;

  /** `timeoutMs`, when given (`cdp --timeout`), bounds every answer, an RFM run's too; otherwise a minute, and an RFM run's 30 minutes. */
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: Fetch = fetch,
    timeoutMs?: number,
  ) {
    this.timeoutMs = timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.rfmRunTimeoutMs = timeoutMs ?? RFM_RUN_TIMEOUT_MS;
  }

  /**
   * GET /health, which every process of the platform serves: PlatformUnreachableError when nothing
   * listens; a server that answers, but not as the platform does, is refused before anything is sent to it.
   */
  async health(): Promise<{ ok: boolean; body: unknown }> {
    const { status, body } = await this.request('GET', '/health');
    if (typeof (body as { status?: unknown })?.status !== 'string') {
      throw new PlatformRequestError(status, body, `${this.baseUrl} answers, but not as the platform (GET /health answered ${status}${serverMessage(body) ? `: ${serverMessage(body).slice(0, 80)}` : ''}): check --url or CDP_URL, which name the platform's base URL, e.g. http://localhost:3000.`);
    }
    return { ok: status === 200, body };
  }

  /** POST /v1/touchpoints with a batch; a 400 becomes TouchpointsRefusedError. */
  async appendTouchpoints(touchpoints: readonly unknown[]): Promise<readonly AcceptedTouchpoint[]> {
    const answer = await this.request('POST', '/v1/touchpoints', { touchpoints });
    if (answer.status === 202) return field<AcceptedTouchpoint[]>(answer, 'touchpoints', 'POST /v1/touchpoints', Array.isArray);
    if (answer.status === 400 && Array.isArray((answer.body as { errors?: unknown })?.errors)) {
      throw new TouchpointsRefusedError((answer.body as { errors: TouchpointError[] }).errors);
    }
    if (answer.status === 413) {
      throw new PlatformRequestError(413, answer.body, 'the platform refused a batch as too large (CDP_MAX_BODY_BYTES): pass a smaller --batch');
    }
    throw this.unexpected('POST', '/v1/touchpoints', answer);
  }

  /** GET /v1/customers?identifier=type:value: the unified profile, or undefined on 404. */
  async customerByIdentifier(type: string, value: string): Promise<Record<string, unknown> | undefined> {
    const path = `/v1/customers?identifier=${encodeURIComponent(`${type}:${value}`)}`;
    return this.profileAt(path);
  }

  /** GET /v1/customers/{id}: the unified profile, or undefined on 404. */
  async customer(id: string): Promise<Record<string, unknown> | undefined> {
    return this.profileAt(`/v1/customers/${encodeURIComponent(id)}`);
  }

  async projections(): Promise<readonly ProjectionStatus[]> {
    const path = '/v1/admin/projections';
    return field<ProjectionStatus[]>(await this.expect('GET', path, [200]), 'projections', `GET ${path}`, Array.isArray);
  }

  /** Starts a rebuild, or names the one of this projection already running. */
  async startRebuild(projection: string): Promise<{ rebuildId: string; alreadyRunning: boolean }> {
    const path = `/v1/admin/projections/${encodeURIComponent(projection)}/rebuilds`;
    const answer = await this.request('POST', path, {});
    if (answer.status === 404 && !isMissingRoute(answer.body)) {
      throw new PlatformRequestError(404, answer.body, `no projection is named "${projection}": see the names with \`cdp projections status\``);
    }
    if (answer.status !== 202 && answer.status !== 200 && answer.status !== 201) throw this.unexpected('POST', path, answer);
    const rebuildId = field<string>(answer, 'rebuildId', `POST ${path}`, (v) => typeof v === 'string');
    return { rebuildId, alreadyRunning: (answer.body as { alreadyRunning?: unknown }).alreadyRunning === true };
  }

  async rebuild(projection: string, rebuildId: string): Promise<RebuildProgress> {
    const path = `/v1/admin/projections/${encodeURIComponent(projection)}/rebuilds/${encodeURIComponent(rebuildId)}`;
    const answer = await this.expect('GET', path, [200]);
    const progress = answer.body as RebuildProgress;
    if (!['running', 'done', 'failed'].includes(progress?.state)) throw this.unexpected('GET', path, answer);
    return progress;
  }

  async deadLetters(): Promise<readonly DeadLetter[]> {
    const path = '/v1/admin/dead-letters';
    return field<DeadLetter[]>(await this.expect('GET', path, [200]), 'deadLetters', `GET ${path}`, Array.isArray);
  }

  async identityConflicts(limit: number, before?: string): Promise<{ conflicts: readonly IdentityConflict[]; next: string | null }> {
    const path = `/v1/admin/identity-conflicts?${new URLSearchParams({ limit: String(limit), ...(before === undefined ? {} : { before }) })}`;
    const answer = await this.expect('GET', path, [200]);
    // A platform from before paging answers without next: its one page is the last.
    const next = field<string | null | undefined>(answer, 'next', `GET ${path}`, (value) => value == null || typeof value === 'string') ?? null;
    return { conflicts: field<IdentityConflict[]>(answer, 'conflicts', `GET ${path}`, Array.isArray), next };
  }

  async retryDeadLetters(target: RetryTarget): Promise<RetryResult> {
    const path = '/v1/admin/dead-letters/retries';
    const answer = await this.request('POST', path, target);
    const refused = answer.body as { error?: unknown; unknownIds?: unknown } | undefined;
    if (answer.status === 404 && refused?.error === 'DEAD_LETTERS.NOT_FOUND') {
      const ids = Array.isArray(refused.unknownIds) ? refused.unknownIds.join(', ') : 'given';
      throw new PlatformRequestError(404, answer.body, `no open dead letter has the id(s) ${ids}: see them with \`cdp dlq list\`; nothing was retried`);
    }
    if (![200, 201, 202].includes(answer.status)) throw this.unexpected('POST', path, answer);
    const result = answer.body as RetryResult;
    if (typeof result?.retried !== 'number' || typeof result?.stillFailing !== 'number') throw this.unexpected('POST', path, answer);
    return result;
  }

  /** POST /v1/admin/sql: a read-only query on the analytics tables; a refused query says why. */
  async analyticsQuery(query: string): Promise<{ rows: Record<string, unknown>[]; truncated: boolean }> {
    const path = '/v1/admin/sql';
    const answer = await this.request('POST', path, { query });
    if (answer.status === 400) throw new PlatformRequestError(400, answer.body, serverMessage(answer.body) || 'the query was refused');
    if (answer.status !== 200) throw this.unexpected('POST', path, answer);
    return { rows: field<Record<string, unknown>[]>(answer, 'rows', `POST ${path}`, Array.isArray), truncated: (answer.body as { truncated?: boolean }).truncated === true };
  }

  /** POST /v1/segments/rfm/runs: runs RFM now and answers with the run when it is done. */
  async runRfm(parameters: { asOf?: string; windowDays?: number | 'all' }): Promise<RfmRun> {
    const path = '/v1/segments/rfm/runs';
    const answer = await this.request('POST', path, parameters, this.rfmRunTimeoutMs);
    if (answer.status === 400 || answer.status === 503) throw new PlatformRequestError(answer.status, answer.body, serverMessage(answer.body));
    if (answer.status !== 200) throw this.unexpected('POST', path, answer);
    return answer.body as RfmRun;
  }

  /** GET /v1/segments/rfm: customers per segment as of the latest run, or undefined before the first run. */
  async rfmSegments(): Promise<RfmSegments | undefined> {
    const answer = await this.request('GET', '/v1/segments/rfm');
    if (answer.status === 404 && !isMissingRoute(answer.body)) return undefined;
    if (answer.status !== 200) throw this.unexpected('GET', '/v1/segments/rfm', answer);
    return answer.body as RfmSegments;
  }

  private async profileAt(path: string): Promise<Record<string, unknown> | undefined> {
    const answer = await this.request('GET', path);
    if (answer.status === 404 && !isMissingRoute(answer.body)) return undefined;
    if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) throw this.unexpected('GET', path, answer);
    return answer.body as Record<string, unknown>;
  }

  private async expect(method: string, path: string, statuses: readonly number[], body?: unknown): Promise<Answer> {
    const answer = await this.request(method, path, body);
    if (!statuses.includes(answer.status)) throw this.unexpected(method, path, answer);
    return answer;
  }

  private async request(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<Answer> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const unreachable = unreachableSocketError(error);
      if (unreachable !== undefined) throw new PlatformUnreachableError(this.baseUrl, unreachable);
      if ((error as Error)?.name === 'TimeoutError') {
        throw new PlatformRequestError(0, undefined, `${method} ${path} got no answer from ${this.baseUrl} within ${formatDuration(timeoutMs)}: is the platform overloaded? Retry (or give a longer --timeout).`);
      }
      throw new PlatformRequestError(0, undefined, `${method} ${path} failed: ${describe(error)}. Check that the platform at ${this.baseUrl} is up, then retry.`);
    }
    const text = await response.text();
    let parsed: unknown = text;
    if (/json/.test(response.headers.get('content-type') ?? '')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed };
  }

  private unexpected(method: string, path: string, answer: Answer): PlatformRequestError {
    const message = serverMessage(answer.body);
    if (answer.status === 404 && isMissingRoute(answer.body)) {
      return new EndpointNotServedError(
        404,
        answer.body,
        `the platform at ${this.baseUrl} does not serve ${method} ${path.split('?')[0]}. In a split deployment, point CDP_URL (or --url) at the process that does: apps/ingest for touchpoints and the registry, apps/projector for projections and dead letters, apps/api for the rest; otherwise the platform is older than the CLI: update it and restart it (\`npm start\`)`,
      );
    }
    if (answer.status >= 200 && answer.status < 300) {
      return new PlatformRequestError(answer.status, answer.body, `${method} ${path} answered ${answer.status} with a body the CLI does not understand: are the CLI and the platform the same version?`);
    }
    return new PlatformRequestError(answer.status, answer.body, `${method} ${path} answered ${answer.status}${message ? `: ${message}` : ''}`);
  }
}

/** NestJS's answer to a path no controller serves ("Cannot GET /v1/admin/..."). */
function isMissingRoute(body: unknown): boolean {
  return /^Cannot (GET|POST|PUT|DELETE|PATCH) /.test(String((body as { message?: unknown })?.message ?? ''));
}

function serverMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  const { message, error } = (body ?? {}) as { message?: unknown; error?: unknown };
  return [error, message].filter((part) => typeof part === 'string' && part !== '').join(': ');
}

function field<T>(answer: Answer, name: string, what: string, check: (value: unknown) => boolean): T {
  const value = (answer.body as Record<string, unknown> | null)?.[name];
  if (!check(value)) {
    throw new PlatformRequestError(answer.status, answer.body, `${what} answered without "${name}": are the CLI and the platform the same version?`);
  }
  return value as T;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { message?: string } })?.cause;
  return cause?.message ?? (error as Error)?.message ?? String(error);
}
