/** The URL of a path under a base URL that may itself have a path (`https://gw.example/cdp/`). */
export function endpoint(baseUrl: string, path: string, query?: URLSearchParams): string {
  const search = query?.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`;
}
