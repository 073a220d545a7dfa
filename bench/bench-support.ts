import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

export const quick = process.argv.includes('--quick');

/** The value of a `--name=value` argument of the command line. */
export function argument(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const CONNECTIONS_END_WITHIN_MS = 5_000;

/** A throw-away Postgres database for one benchmark run. */
export async function scratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cdp_bench_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: baseUrl });
      await client.connect();
      try {
        // A closed pool's connections may not have ended yet on the server: forced off, they report an
        // error their pool may have no listener for, which ends the whole run.
        for (let waitedMs = 0; waitedMs < CONNECTIONS_END_WITHIN_MS; waitedMs += 50) {
          const { rows } = await client.query<{ connections: number }>('SELECT count(*)::int AS connections FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0].connections === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** One line of progress on the terminal, rewritten in place. */
export function progress(label: string, done: number, total: number): void {
  process.stderr.write(`\r${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.round((100 * done) / Math.max(total, 1))}%)   `);
  if (done >= total) process.stderr.write('\n');
}

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

export interface CpuSplit {
  /** CPU seconds of this process, every thread. */
  readonly nodeSeconds: number;
  /** CPU seconds of the Postgres backends serving the database, or undefined where /proc does not show them (another machine). */
  readonly postgresSeconds: number | undefined;
}

/**
 * How much CPU `work` took, in this process and in the Postgres backends connected to `db`'s
 * database (read from /proc, so only for a server on this machine). Wall time alone cannot tell
 * a rebuild waiting on Postgres from one waiting on Node, nor what the two cores had to give.
 */
export async function measuredCpu<T>(db: { query<R>(text: string): Promise<{ rows: R[] }> }, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }> {
  const backends = async () => (await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid);
  const before = new Map((await backends()).map((pid) => [pid, processCpuSeconds(pid)]));
  const node = process.cpuUsage();
  const result = await work();
  const { user, system } = process.cpuUsage(node);
  const after = (await backends()).map((pid) => [processCpuSeconds(pid), before.get(pid) ?? 0] as const);
  const readable = after.length > 0 && after.every(([seconds]) => seconds !== undefined);
  const postgresSeconds = readable ? after.reduce((sum, [seconds, earlier]) => sum + seconds! - (earlier ?? 0), 0) : undefined;
  return { result, cpu: { nodeSeconds: (user + system) / 1e6, postgresSeconds } };
}

/** User and system CPU seconds of a process of this machine, from /proc/<pid>/stat (in clock ticks of 1/100 s on Linux). */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
