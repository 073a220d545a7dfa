import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { touchpointExamples } from '@cdp/events';
import { startPlatformProcess } from '../support/platform-process';

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/touchpoints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
    async (r) => ({ status: r.status, body: (await r.json()) as { touchpoints: object[] } }),
  );

describe('embedded mode keeps what it accepted', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdp-durability-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('still holds every touchpoint answered 202 after kill -9, and refuses a second process on the same data', async () => {
    const env = { CDP_MODE: 'embedded', CDP_DATA_DIR: dataDir };
    const batch = Array.from({ length: 200 }, (_, i) => ({ ...touchpointExamples.visit, eventId: randomUUID(), identifiers: { deviceId: `dev-${i}` } }));
    const first = await startPlatformProcess(env);
    let accepted: Awaited<ReturnType<typeof post>>;
    let intruder: ReturnType<typeof startPlatformProcess> | undefined;
    try {
      accepted = await post(first.url, { touchpoints: batch });
      expect(accepted.status).toBe(202);

      intruder = startPlatformProcess(env);
      await expect(intruder).rejects.toThrow(/is in use by the platform process/);
    } finally {
      // Whatever failed above, no platform process is left behind: the first one, nor a second one that started after all.
      await Promise.allSettled([first.kill9(), intruder?.then((process) => process.kill9())]);
    }

    const second = await startPlatformProcess(env);
    try {
      const resent = await post(second.url, { touchpoints: batch });
      expect(resent.status).toBe(202);
      expect(resent.body.touchpoints).toEqual(accepted.body.touchpoints.map((t) => ({ ...t, duplicate: true })));

      // A refused RFM run is the caller's answer, not the process's end (a rejection nothing handled ended it).
      const refused = await fetch(`${second.url}/v1/segments/rfm/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"windowDays":-3}' });
      expect(refused.status).toBe(400);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(second.child.exitCode).toBeNull();
      expect((await fetch(`${second.url}/health`)).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
