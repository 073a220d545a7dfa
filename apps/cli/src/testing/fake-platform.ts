import type { CliContext } from '../shared/cli-context';
import type { Terminal } from '../shared/terminal';

export type FakeAnswer = { status: number; body?: unknown } | 'refused';
export type FakeRoute = (request: { method: string; path: string; body: any }) => FakeAnswer | undefined;

/** What the platform's /health answers when it is up. */
const HEALTHY: FakeAnswer = { status: 200, body: { status: 'ok' } };

/** A fetch that answers from routes, as the platform would, /health too unless a route does; 'refused' is nothing listening. */
export function fakeFetch(route: FakeRoute): typeof fetch & { calls: { method: string; path: string; body: any }[] } {
  const calls: { method: string; path: string; body: any }[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const request = { method: init?.method ?? 'GET', path: url.pathname + url.search, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(request);
    const answer = route(request) ?? (url.pathname === '/health' ? HEALTHY : { status: 404, body: { error: 'HTTP.NOT_FOUND', message: `Cannot ${request.method} ${url.pathname}` } });
    if (answer === 'refused') throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' }) });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
  return Object.assign(fake as typeof fetch, { calls });
}

/** A terminal that keeps what commands write. */
export function capturingTerminal(): Terminal & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (t) => out.push(t), err: (t) => err.push(t), progress: undefined, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

export function testContext(route: FakeRoute, env: NodeJS.ProcessEnv = {}, cwd = process.cwd()) {
  const terminal = capturingTerminal();
  const fetch = fakeFetch(route);
  const context: CliContext = { terminal, env, fetch, now: () => new Date('2026-11-23T08:00:00Z'), sleep: async () => undefined, cwd: () => cwd };
  return { context, terminal, fetch };
}
