import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Nest's own start-up lines (each module loaded, each route mapped): a hundred lines a start that no operator acts on. */
const NEST_START_UP = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * The platform's log: errors, warnings and what its own services tell at LOG level (a scheduled RFM
 * run, a log pruned), without Nest's start-up lines, each stamped with its UTC instant (Nest writes
 * the host's local time, without its zone).
 */
export class PlatformLogger extends ConsoleLogger {
  /**
   * `toStderr`: every line to stderr, without colours unless stderr is a terminal; for a process
   * whose stdout is its result (the `cdp` CLI running the platform in its own process).
   */
  private readonly toStderr: boolean;

  constructor({ toStderr = false }: { readonly toStderr?: boolean } = {}) {
    super('', { logLevels: ['log', 'warn', 'error'], ...(toStderr && !process.stderr.isTTY ? { colors: false } : {}) });
    this.toStderr = toStderr;
  }

  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, writeStreamType?: 'stdout' | 'stderr', errorStack?: unknown): void {
    super.printMessages(messages, context, logLevel, this.toStderr ? 'stderr' : writeStreamType, errorStack);
  }

  protected override getTimestamp(): string {
    return new Date().toISOString();
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && NEST_START_UP.has(context)) return;
    super.log(message, ...rest);
  }
}
