import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSettings } from '../settings';
import { startHttpProcess, type RunningProcess } from './start-http-process';

/** GET on a keep-alive agent: the answer's Keep-Alive header, and whether it came on an idle connection kept from before. */
function getOn(agent: Agent, url: string): Promise<{ keepAlive: string | string[] | undefined; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent }, (response: IncomingMessage) => {
      response.resume();
      response.on('end', () => resolve({ keepAlive: response.headers['keep-alive'], reusedSocket: request.reusedSocket }));
    });
    request.on('error', reject);
  });
}

describe('the HTTP server keeps idle connections for CDP_HTTP_KEEP_ALIVE_SECONDS', () => {
  let dataDir: string;
  let platform: RunningProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cdp-keep-alive-'));
    platform = await startHttpProcess(readSettings({ CDP_MODE: 'embedded', PORT: '0', CDP_DATA_DIR: dataDir, CDP_HTTP_KEEP_ALIVE_SECONDS: '8' }), []);
  });
  afterAll(async () => {
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("says so to clients, and answers on a connection idle longer than Node's 5 s", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await getOn(agent, `${platform.url}/metrics`)).toEqual({ keepAlive: 'timeout=8', reusedSocket: false });
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(await getOn(agent, `${platform.url}/metrics`)).toEqual({ keepAlive: 'timeout=8', reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });
});
