import { runCli } from './program';
import { processContext } from './shared/cli-context';

// A reader that stops early (`cdp --help | head`) closes the pipe: that ends the command, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

// Ctrl-C or a scheduler's stop: say so, give a terminal back the cursor and line wrap a progress bar
// took, and exit as a process killed by the signal would (130, 143).
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    if (process.stderr.isTTY) process.stderr.write('\x1b[?25h\x1b[?7h\n');
    process.stderr.write(`cdp: stopped by ${signal}\n`);
    process.exit(code);
  });
}

/** `npx cdp ...` (tools/cdp.js) and `npm run cdp -- ...`. */
runCli(process.argv.slice(2), processContext).then((code) => {
  process.exitCode = code;
});
