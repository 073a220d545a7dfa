import { eventually } from './eventually';

interface ProjectionStatus {
  name: string;
  processed: number;
  lag: number | null;
  deadLetters: number;
  state: 'running' | 'standby' | 'rebuilding' | 'stopped' | 'retrying' | 'waiting';
  /** Why it waits or retries, else null. */
  reason: string | null;
  owner: string | null;
}

const json = async (response: Response) => (await response.json()) as any;

/**
 * A poll may reuse a kept-alive socket just as the server closes it ("other side closed"): that
 * one request is sent again on a new socket.
 */
async function fetchPolled(url: string): Promise<Response> {
  try {
    return await fetch(url);
  } catch {
    return fetch(url);
  }
}

export async function projectionStatus(url: string, name = 'customers'): Promise<ProjectionStatus> {
  const { projections } = await json(await fetchPolled(`${url}/v1/admin/projections`));
  return projections.find((p: ProjectionStatus) => p.name === name);
}

export async function waitUntilCaughtUp(url: string, timeoutMs = 120_000, name = 'customers'): Promise<ProjectionStatus> {
  return eventually(async () => {
    const status = await projectionStatus(url, name);
    return status.lag === 0 ? status : undefined;
  }, `the ${name} projection to catch up with the log`, timeoutMs);
}

export async function rebuildAndWait(url: string, timeoutMs = 180_000, name = 'customers'): Promise<{ processed: number }> {
  const { rebuildId } = await json(await fetch(`${url}/v1/admin/projections/${name}/rebuilds`, { method: 'POST' }));
  return eventually(async () => {
    const job = await json(await fetch(`${url}/v1/admin/projections/${name}/rebuilds/${rebuildId}`));
    if (job.state === 'failed') throw new Error(`the rebuild failed: ${job.error}`);
    return job.state === 'done' ? job : undefined;
  }, 'the rebuild to finish', timeoutMs);
}

/** Posts touchpoint bodies in batches of 500 and returns how many were accepted. */
export async function postAll(url: string, bodies: readonly object[]): Promise<number> {
  let accepted = 0;
  for (let i = 0; i < bodies.length; i += 500) {
    const response = await fetch(`${url}/v1/touchpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ touchpoints: bodies.slice(i, i + 500) }),
    });
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
    accepted += ((await response.json()) as { touchpoints: unknown[] }).touchpoints.length;
  }
  return accepted;
}

/**
 * Waits until the loyalty accounts have taken in every touchpoint and the read model shows them:
 * both loyalty projections caught up, and nothing left in their command outboxes.
 */
export async function waitUntilLoyaltySettled(url: string, db: { query(sql: string): Promise<{ rows: any[] }> }, timeoutMs = 120_000): Promise<void> {
  let seen = '';
  const settled = async () => {
    const lags = await Promise.all(['customers', 'loyalty_earning', 'loyalty'].map(async (name) => [name, (await projectionStatus(url, name)).lag]));
    const { rows } = await db.query(`SELECT (SELECT count(*) FROM loyalty_earning.command_outbox) AS earning, (SELECT count(*) FROM loyalty.command_outbox) AS merges`);
    seen = `lags ${JSON.stringify(lags)}, outboxes ${JSON.stringify(rows[0])}`;
    return lags.every(([, lag]) => lag === 0) && Number(rows[0].earning) + Number(rows[0].merges) === 0;
  };
  // Twice in a row: an outbox sent just now may still be on its way into the read model.
  await eventually(
    async () => ((await settled()) && (await new Promise((r) => setTimeout(r, 300)), await settled()) ? true : undefined),
    'the loyalty accounts to settle',
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last seen: ${seen}`);
  });
}
