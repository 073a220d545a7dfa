import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';

/** Methods that change something; a browser sends them cross-site without asking (a form, or fetch with text/plain). */
const CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Keeps web pages out of a platform that has no authentication of its own. A page of any site can
 * make a visitor's browser send requests to it:
 * - by DNS rebinding: a name of the page's own that then resolves to the platform's address
 *   (127.0.0.1, or one on the visitor's network) makes the page same-origin with the platform, free
 *   to read its answers. So the platform answers only requests for a loopback name, an IP address
 *   (a page is never served from the platform's own address) or a name of `allowedHosts`. A platform
 *   listening on a loopback address takes no other IP address; one listening on another address
 *   without `allowedHosts` takes any name, and is kept safe only by the gateway docs/operations.md
 *   asks for;
 * - by a cross-site POST, which the browser sends without asking first: a request that changes
 *   something and names another site as its Origin is refused. Browsers send Origin; curl, the cdp
 *   CLI and services send none, and the API docs' own page names the platform itself.
 */
export function browserGuard(listensOnLoopbackOnly: boolean, allowedHosts?: readonly string[]) {
  const answersFor = (hostname: string): boolean => {
    if (isLoopbackName(hostname)) return true;
    if (listensOnLoopbackOnly) return isAllowed(hostname, allowedHosts ?? []);
    return isIP(hostname.replace(/^\[|\]$/g, '')) !== 0 || allowedHosts === undefined || isAllowed(hostname, allowedHosts);
  };
  return (request: Request, response: Response, next: NextFunction): void => {
    const host = request.headers.host ?? '';
    if (!answersFor(hostOf(host)?.hostname ?? '')) {
      const answered = listensOnLoopbackOnly
        ? `this platform listens on this machine only, and answers requests for localhost, 127.0.0.1 or [::1]${allowedHosts?.length ? ` and ${allowedHosts.join(', ')}` : ''}`
        : `this platform answers requests for its IP addresses, localhost and the names of CDP_ALLOWED_HOSTS (${allowedHosts!.join(', ')})`;
      response.status(403).json({
        error: 'HTTP.FORBIDDEN_HOST',
        message: `${answered}; this one is for "${host}", another name, as a web page rebinding its own name to the platform's address would send. ${
          listensOnLoopbackOnly ? `Use http://127.0.0.1:${request.socket.localPort}, or set CDP_HOST to listen on an address other machines reach` : 'If that name is the platform\'s own, add it to CDP_ALLOWED_HOSTS'
        }`,
      });
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && CHANGING.has(request.method) && !ownHosts(request).includes(originHost(origin) ?? '')) {
      response.status(403).json({
        error: 'HTTP.CROSS_ORIGIN',
        message: `a ${request.method} from a web page of ${origin} is refused: the platform has no authentication, so a page of another site may not change anything in it. Send the request from a service or the cdp CLI (no Origin header), or from the platform's own pages`,
      });
      return;
    }
    next();
  };
}

/** Whether the platform listens on a loopback address only (127.0.0.1 in embedded mode, by default). */
export function isLoopbackAddress(host: string | undefined): boolean {
  if (host === undefined) return false;
  return isLoopbackName(hostOf(isIP(host) === 6 ? `[${host}]` : host)?.hostname ?? '');
}

/** A hostname as a URL writes it: lower case, IPv4 in dotted decimal, IPv6 canonical and in brackets. */
function isLoopbackName(hostname: string): boolean {
  const name = hostname.replace(/\.$/, '');
  // Browsers resolve *.localhost to this machine themselves (RFC 6761), so no page can rebind one.
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '[::1]' || name.startsWith('[::ffff:7f');
}

/** Whether a hostname is one of `allowed`, or under one of its "*.example.com". */
function isAllowed(hostname: string, allowed: readonly string[]): boolean {
  const name = hostname.replace(/\.$/, '');
  return allowed.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) : name === entry));
}

/** A Host header ("127.0.0.1:3000", "[::1]:3000") read as a URL reads it; undefined for one that is more than a host and port. */
function hostOf(host: string): URL | undefined {
  try {
    const url = new URL(`http://${host}`);
    const hostAndPortOnly = url.username === '' && url.password === '' && url.pathname === '/' && url.search === '' && url.hash === '';
    return hostAndPortOnly && !host.includes('/') ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The names the request's own pages have, as an Origin names them: its Host, and the host a proxy
 * in front says it was asked for (X-Forwarded-Host, which a page of another site cannot send
 * without the browser asking the platform first, which it does not answer).
 */
function ownHosts(request: Request): string[] {
  const forwarded = request.headers['x-forwarded-host'];
  const hosts = [request.headers.host, ...(typeof forwarded === 'string' ? forwarded.split(',') : [])];
  // A URL writes a host and port in lower case, without the scheme's default port, as an Origin does.
  return hosts.flatMap((host) => (host === undefined ? [] : [hostOf(host.trim())?.host ?? host.toLowerCase()]));
}

/** The host and port of an Origin header, as a Host header names them; undefined for "null" or one that is not a URL. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}
