import { anyInErrorChain, isConnectionTimeout } from '@cdp/sql/errors';

/** Socket errors that mean nothing answers at the address, as opposed to a server that answered with a refusal (at start; a connection that went later is `isUnreachable`'s, in @cdp/sql). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

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
 * Runs `open`; if it fails because nothing answered at the server's address (or nothing ready in
 * time: a Postgres that takes the connection and never answers), the error says which server, where,
 * and what to do next, instead of a bare "connect ECONNREFUSED".
 */
export async function reaching<T>(server: ServerAddress, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const code = unreachableSocketError(error) ?? (isConnectionTimeout(error) ? 'no answer within the connection timeout' : undefined);
    if (code !== undefined) {
      throw new ServerUnreachableError(
        `${server.name} at ${server.address} (${server.variable}) did not answer (${code}). Start it, or set ${server.variable} to one that runs; on this machine \`bash infra/local/up.sh\` starts Kafka, Postgres and ClickHouse.`,
        { cause: error },
      );
    }
    const refusal = LOGIN_REFUSALS[(error as { code?: string }).code ?? ''];
    if (refusal === undefined) throw error;
    throw new ServerUnreachableError(`${server.name} at ${server.address} (${server.variable}) refused the connection: ${(error as Error).message}. ${refusal}`, { cause: error });
  }
}

/** Postgres's answers that the address is right but the database or the login is not, and what to do. */
const LOGIN_REFUSALS: Readonly<Record<string, string>> = {
  '3D000': 'Create that database (createdb), or set the variable to one that exists.',
  '28000': 'Create that role, or set the variable to a user the server lets in.',
  '28P01': 'Give the right password in the variable.',
};

/**
 * The code of the socket error that says nothing answered, anywhere in the error's causes: kafkajs
 * and pg put it on the error itself, fetch on its cause, or on one of the cause's `errors` when it
 * tried several addresses of the host. Undefined for any other failure.
 */
export function unreachableSocketError(error: unknown): string | undefined {
  let found: string | undefined;
  anyInErrorChain(error, ({ code }) => typeof code === 'string' && UNREACHABLE.has(code) && (found = code) !== undefined);
  return found;
}

/** A connection URL as it may be shown: host, port and path, without user or password. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return withoutCredentials(`${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`);
  } catch {
    return '(an address that is not a URL)';
  }
}

/** `text` without what would be a URL's user and password, written wrong as it may be ("u:secret@host", "http://u:se/cret@host:port"): everything after the scheme up to its last "@". */
export function withoutCredentials(text: string): string {
  return text.replace(/^([a-z][\w+.-]*:(?:\/\/)?)?\S*@/i, (_, scheme: string | undefined) => scheme ?? '');
}
