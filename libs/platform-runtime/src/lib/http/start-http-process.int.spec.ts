import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSettings } from '../settings';
import { startHttpProcess } from './start-http-process';

describe('starting an HTTP process', () => {
  it('refuses a port another process listens on, before it sets up a data folder, saying what to do', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const parent = mkdtempSync(join(tmpdir(), 'cdp-port-'));
    const dataDir = join(parent, 'data');
    try {
      await expect(startHttpProcess(readSettings({ PORT: String(port), CDP_DATA_DIR: dataDir }), [])).rejects.toThrow(
        `cannot listen on 127.0.0.1 port ${port}: another process listens there. Stop that process, or set PORT to a free port (and CDP_URL for the cdp CLI)`,
      );
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
