import { CliError, EXIT } from '../shared/cli-error';
import type { TouchpointError } from './admin-api';

const BUSY_STATUSES = new Set([0, 502, 503, 504]);
/** 503s that asking again gets until an operator mends something: exit 1, not 75. */
const NEEDS_AN_OPERATOR = new Set(['RFM.ANALYTICS_DATA_MISSING', 'KAFKA.TOPIC_SETTINGS', 'DATABASE.DISK_FULL']);

/** Nothing answers at the platform's address, or its host name names no machine (ENOTFOUND). */
export class PlatformUnreachableError extends CliError {
  constructor(
    readonly baseUrl: string,
    socketCode?: string,
  ) {
    super(
      'CLI.PLATFORM_UNREACHABLE',
      socketCode === 'ENOTFOUND' || socketCode === 'EAI_AGAIN'
        ? `The host of ${baseUrl} cannot be found (${socketCode}): check the address in --url or CDP_URL, and this machine's DNS.`
        : `No platform is running at ${baseUrl}: start it with \`npm start\` (in servers mode, the process of the deployment that serves this: apps/ingest, apps/projector or apps/api, docs/operations.md), or pass --url, or set CDP_URL.`,
      // A name no DNS knows is the address's to mend; one the DNS could not answer for now (EAI_AGAIN) may answer later.
      socketCode === 'ENOTFOUND' ? EXIT.failure : EXIT.unavailable,
    );
  }
}

/** The platform answered, but not with what the command asked for. */
export class PlatformRequestError extends CliError {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super('CLI.PLATFORM_ERROR', message, BUSY_STATUSES.has(status) && !NEEDS_AN_OPERATOR.has(String((body as { error?: unknown } | undefined)?.error)) ? EXIT.unavailable : EXIT.failure);
  }
}

/** POST /v1/touchpoints answered 400: nothing of that request was appended. */
export class TouchpointsRefusedError extends CliError {
  constructor(readonly errors: readonly TouchpointError[]) {
    const first = errors
      .slice(0, 3)
      .map((e) => `#${e.index} ${e.path}: ${e.message}`)
      .join('; ');
    super('CLI.TOUCHPOINTS_REFUSED', `the platform refused ${errors.length} field(s) of a batch (${first}${errors.length > 3 ? '; …' : ''})`);
  }
}

/**
 * The process at the address serves no such endpoint: an older platform, or one process of a split
 * deployment (apps/ingest, apps/projector, apps/api) that serves other endpoints.
 */
export class EndpointNotServedError extends PlatformRequestError {}

/** No answer in time (0), or a 502, 503 or 504 but those an operator must mend: the platform is busy, and asking again later may work. */
export function isPlatformBusy(error: unknown): boolean {
  return error instanceof PlatformRequestError && error.exitCode === EXIT.unavailable;
}
