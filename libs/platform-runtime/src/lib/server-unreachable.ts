/** Socket errors that mean nothing answers at the address, as opposed to a server that answered with a refusal. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

/** A server the platform needs in servers mode did not answer at start. */
export class ServerUnreachableError extends Error {
  readonly code = 'PLATFORM.SERVER_UNREACHABLE';
}

/** One of the servers of servers mode: what to call it, where the settings say it is, and the variable that says so. */
export interface ServerAddress {
  readonly name: string;
  readonly address: string;
  readonly variable: string;
}

/**
 * Runs `open`; if it fails because nothing answered at the server's address, the error says which
 * server, where, and what to do next, instead of a bare "connect ECONNREFUSED".
 */
export async function reaching<T>(server: ServerAddress, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const code = socketErrorCode(error);
    if (code === undefined) throw error;
    throw new ServerUnreachableError(
      `${server.name} at ${server.address} (${server.variable}) did not answer (${code}). Start it, or set ${server.variable} to one that runs; on this machine \`bash infra/local/up.sh\` starts Kafka, Postgres and ClickHouse.`,
      { cause: error },
    );
  }
}

/** The socket error code anywhere in the error's chain of causes (kafkajs and pg put it on the error, fetch on its cause). */
function socketErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
  }
  return undefined;
}

/** A connection URL as it may be shown: host, port and path, without user or password. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(an address that is not a URL)';
  }
}
