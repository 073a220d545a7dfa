import type { Request, Response } from 'express';
import { browserGuard, isLoopbackAddress } from './browser-guard';

/** What the guard did with a request: passed it on, or answered it. */
function guarded(listensOnLoopbackOnly: boolean, method: string, headers: Record<string, string>, allowedHosts?: readonly string[]) {
  const sent: { status?: number; body?: { error: string; message: string } } = {};
  const response = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: { error: string; message: string }) {
      sent.body = body;
    },
  } as unknown as Response;
  let passed = false;
  browserGuard(listensOnLoopbackOnly, allowedHosts)({ method, headers, socket: { localPort: 3000 } } as unknown as Request, response, () => (passed = true));
  return passed ? 'passed' : `${sent.status} ${sent.body?.error}`;
}

describe('the browser guard', () => {
  it('answers a platform on a loopback address only for loopback names: a rebound name is refused', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST', 'localhost.:3000', 'app.localhost:3000', '[::1]:3000', '[0:0:0:0:0:0:0:1]:3000', '[::ffff:127.0.0.1]', '127.0.0.2:3000']) {
      expect(guarded(true, 'GET', { host })).toBe('passed');
    }
    for (const host of ['attacker.example:3000', 'attacker.example', '10.0.0.5:3000', '127.0.0.1.attacker.example', 'localhost.attacker.example', '127.0.0.1.nip.io', '[::ffff:10.0.0.5]', 'attacker.example@127.0.0.1', '127.0.0.1/attacker', '']) {
      expect(guarded(true, 'GET', { host })).toBe('403 HTTP.FORBIDDEN_HOST');
    }
    expect(guarded(false, 'GET', { host: 'cdp.internal:3000' })).toBe('passed');
  });

  it('answers a platform on another address for the names of CDP_ALLOWED_HOSTS, its IP addresses and localhost, once they are set', () => {
    const allowed = ['cdp.example.com', '*.cdp.internal'];
    for (const host of ['cdp.example.com', 'CDP.example.com.:443', 'api.cdp.internal:3000', 'a.b.cdp.internal', '10.0.0.5:3000', '[fd00::5]:3000', 'localhost:3000', '127.0.0.1']) {
      expect(guarded(false, 'GET', { host }, allowed)).toBe('passed');
    }
    for (const host of ['attacker.example', 'cdp.example.com.attacker.example', 'cdp.internal', 'evilcdp.internal', 'example.com', '']) {
      expect(guarded(false, 'GET', { host }, allowed)).toBe('403 HTTP.FORBIDDEN_HOST');
    }
    // On a loopback address the names are added to the loopback ones, for a proxy that passes its own name on.
    expect(guarded(true, 'GET', { host: 'cdp.example.com' }, allowed)).toBe('passed');
    expect(guarded(true, 'GET', { host: '10.0.0.5' }, allowed)).toBe('403 HTTP.FORBIDDEN_HOST');
  });

  it('refuses a change sent by a page of another site, and passes requests without an Origin or from the platform itself', () => {
    expect(guarded(true, 'POST', { host: '127.0.0.1:3000', origin: 'https://attacker.example' })).toBe('403 HTTP.CROSS_ORIGIN');
    expect(guarded(true, 'POST', { host: '127.0.0.1:3000', origin: 'null' })).toBe('403 HTTP.CROSS_ORIGIN');
    expect(guarded(false, 'DELETE', { host: 'cdp.internal:3000', origin: 'http://cdp.internal:3001' })).toBe('403 HTTP.CROSS_ORIGIN');
    expect(guarded(true, 'POST', { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' })).toBe('passed');
    expect(guarded(true, 'POST', { host: '127.0.0.1:3000' })).toBe('passed');
    expect(guarded(true, 'POST', { host: 'localhost:80', origin: 'http://LOCALHOST' })).toBe('passed');
    // The API docs' page behind a proxy that asks the platform for 127.0.0.1:3000.
    expect(guarded(true, 'POST', { host: '127.0.0.1:3000', origin: 'https://cdp.example.com', 'x-forwarded-host': 'cdp.example.com' })).toBe('passed');
    // A read from another site is sent, but the browser does not let the page see the answer (no CORS headers).
    expect(guarded(true, 'GET', { host: '127.0.0.1:3000', origin: 'https://attacker.example' })).toBe('passed');
  });

  it('takes the loopback addresses CDP_HOST may name as listening on this machine only', () => {
    expect(['127.0.0.1', 'localhost', '::1'].map(isLoopbackAddress)).toEqual([true, true, true]);
    expect([undefined, '0.0.0.0', '::', '10.0.0.5'].map(isLoopbackAddress)).toEqual([false, false, false, false]);
  });
});
