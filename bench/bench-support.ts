import { cpus, totalmem } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { isUnreachable } from '@cdp/sql/errors';
import { scratchDatabase as scratchDatabaseOnServer } from '@cdp/sql/testing';
import { interruption, removeIfInterrupted } from './interruptions';

export const quick = process.argv.includes('--quick');

/** The value of a `--name=value` argument of the command line. */
export function argument(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const CONNECTIONS_END_WITHIN_MS = 5_000;

/** A throw-away Postgres database for one benchmark run, removed too when the run is interrupted. */
export async function scratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const database = await scratchDatabaseOnServer('cdp_bench', baseUrl);
  const forget = removeIfInterrupted(() => drop());
  async function drop() {
    // A closed pool's connections may not have ended yet on the server: forced off, they report an
    // error their pool may have no listener for, which ends the whole run.
    const client = new Client({ connectionString: baseUrl });
    await client.connect();
    try {
      for (let waitedMs = 0; waitedMs < CONNECTIONS_END_WITHIN_MS; waitedMs += 50) {
        const { rows } = await client.query<{ connections: number }>('SELECT count(*)::int AS connections FROM pg_stat_activity WHERE datname = $1', [database.name]);
        if (rows[0].connections === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await client.end();
    }
    await database.drop();
    forget();
  }
  return { url: database.url, drop };
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

/** The processes whose CPU a meter counts, asked at its start and at its end (one that came meanwhile counts whole). */
export type CpuProcesses = () => Promise<readonly number[]>;

/**
 * Counts the CPU seconds that groups of processes of this machine take from now until `stop`,
 * read from /proc (user and system time; a group is undefined where a process of it cannot be
 * read, such as a server on another machine). A process that ends before `stop` is not counted. Wall time alone cannot tell work waiting on Postgres
 * from work waiting on Node, nor what the two cores had to give.
 */
export async function startCpuMeter<K extends string>(groups: Record<K, CpuProcesses>): Promise<{ stop(): Promise<Record<K, number | undefined>> }> {
  const names = Object.keys(groups) as K[];
  const before = new Map<K, Map<number, number | undefined>>();
  for (const name of names) before.set(name, new Map((await groups[name]()).map((pid) => [pid, processCpuSeconds(pid)])));
  return {
    async stop() {
      const used = {} as Record<K, number | undefined>;
      for (const name of names) {
        const earlier = before.get(name)!;
        const pids = await groups[name]();
        let total: number | undefined = pids.length > 0 ? 0 : undefined;
        for (const pid of pids) {
          const [seconds, start] = [processCpuSeconds(pid), earlier.has(pid) ? earlier.get(pid) : 0];
          total = total === undefined || seconds === undefined || start === undefined ? undefined : total + seconds - start;
        }
        used[name] = total;
      }
      return used;
    },
  };
}

/**
 * The Postgres backends serving `db`'s database, this benchmark's own connection among them. A
 * server in a container gives pids of its own namespace, which are not this machine's postgres
 * processes: the group is then not measured (a pid not named postgres here counts as unreadable).
 */
export function postgresBackends(db: { query<R>(text: string): Promise<{ rows: R[] }> }): CpuProcesses {
  return async () => (await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => (commandName(r.pid).startsWith('postgres') ? r.pid : -1));
}

/** The processes of this machine whose command name starts with `prefix` (the kernel keeps 15 characters of it). */
export function processesNamed(prefix: string): CpuProcesses {
  return async () =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry) && commandName(Number(entry)).startsWith(prefix))
      .map(Number);
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** User and system CPU seconds of a process of this machine, from /proc/<pid>/stat (in clock ticks of 1/100 s on Linux). */
function processCpuSeconds(pid: number): number | undefined {
  if (pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * A sentence of what some work asked of the machine's cores, against what they have for the same
 * touchpoints at `targetPerSecond`: `shares` name each group's CPU seconds (undefined: not measured).
 */
export function cpuSentence(opening: string, seconds: number, touchpoints: number, targetPerSecond: number, shares: readonly (readonly [string, number | undefined])[]): string {
  const cores = cpus().length;
  const measured = shares.filter((share): share is readonly [string, number] => share[1] !== undefined);
  const parts = measured.map(([who, cpu]) => `${who} ${cpu.toFixed(1)} s`).join(', ');
  const missing = shares.filter(([, cpu]) => cpu === undefined).map(([who]) => who);
  const unmeasured = missing.length > 0 ? ` (${missing.join(' and ')}: not measured, not on this machine)` : '';
  const used = measured.reduce((sum, [, cpu]) => sum + cpu, 0);
  const allowed = (cores * touchpoints) / targetPerSecond;
  return (
    `${opening}, CPU went to: ${parts}${unmeasured}; ${Math.round((100 * used) / (cores * seconds))}% of what the ${cores} cores could give. ` +
    `At the target's ${targetPerSecond.toLocaleString('en')}/s the ${cores} cores would have ${allowed.toFixed(1)} s of CPU for these ` +
    `${touchpoints.toLocaleString('en')} touchpoints, every process's share included: this used ${used.toFixed(1)} s, ${(used / allowed).toFixed(2)}× that ` +
    `(from \`/proc\`, each run).`
  );
}

/**
 * Runs a benchmark's `main` to its exit code: 0 when it finished, 1 with the error otherwise; the
 * hint to start the servers only when one did not answer.
 */
export function runBenchmark(name: string, main: () => Promise<unknown>): void {
  main().then(
    () => interruption() ?? process.exit(0),
    (error: unknown) => {
      // Interrupted, the run fails for the resources its removals took: the removals end it.
      const interrupted = interruption();
      if (interrupted !== undefined) return interrupted;
      const hint = isUnreachable(error) ? ' A server did not answer: start them with bash infra/local/up.sh.' : ' The lines above say what it was doing.';
      console.error(`${name} failed: ${(error as Error).stack ?? String(error)}.${hint}`);
      process.exit(1);
    },
  );
}
