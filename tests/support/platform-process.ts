import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

export interface PlatformProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Kills it the hard way, as a crash would. */
  kill9(): Promise<void>;
  /** SIGTERM, as an operator stops it; SIGKILL if it has not exited 30 s later. */
  stop(): Promise<void>;
}

/**
 * Runs `npm start`'s entry point (or, in servers mode, one app alone: ingest, projector or api) as a
 * real child process and waits until it listens; `nodeFlags` go to its node.
 *
 * It listens on a port the system picks: a fixed one lies in the ephemeral range, where any outgoing
 * connection made meanwhile (to Kafka, Postgres, ClickHouse) may take it first.
 */
export function startPlatformProcess(
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
  app: 'platform' | 'ingest' | 'projector' | 'api' = 'platform',
): Promise<PlatformProcess> {
  const child = spawn(process.execPath, [...nodeFlags, '-r', './tools/register.js', `apps/${app}/src/main.ts`], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    // A servers-mode start took 28 s on a loaded CI machine; one that never starts is killed, not left behind.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the ${app} process did not start in time:\n${output}`));
    }, 180_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/\S+)\s/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve({
          url: listening[1],
          child,
          kill9: async () => {
            child.kill('SIGKILL');
            await exited;
          },
          stop: async () => {
            child.kill('SIGTERM');
            const stuck = setTimeout(() => child.kill('SIGKILL'), 30_000);
            await exited;
            clearTimeout(stuck);
          },
        });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`the ${app} process exited with ${code}:\n${output}`)));
  });
}
