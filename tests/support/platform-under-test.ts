import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import { readSettings, startHttpProcess, systemClock, type Clock, type RunningProcess, type Settings } from '@cdp/platform-runtime';

export interface PlatformUnderTest extends RunningProcess {
  readonly settings: Settings;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
}

/**
 * Starts the platform's HTTP process on a free port for a test: embedded in a fresh data folder,
 * or against the servers of infra/local.
 */
export async function startPlatformUnderTest(mode: Settings['mode'], features: Type[], env: Record<string, string> = {}, clock: Clock = systemClock): Promise<PlatformUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdp-test-'));
  const settings = readSettings({ ...process.env, CDP_MODE: mode, PORT: '0', CDP_DATA_DIR: dataDir, ...env });
  const running = await startHttpProcess(settings, features, clock);
  const call = async (path: string, init: RequestInit) => {
    const response = await fetch(`${running.url}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
  };
  return {
    ...running,
    settings,
    post: (path, body, headers = { 'content-type': 'application/json' }) =>
      call(path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    get: (path) => call(path, { method: 'GET' }),
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
