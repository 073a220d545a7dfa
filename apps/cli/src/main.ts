import { runCli } from './program';
import { processContext } from './shared/cli-context';

// A reader that stops early (`cdp --help | head`) closes the pipe: that ends the command, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

/** `npx cdp ...` (tools/cdp.js) and `npm run cdp -- ...`. */
runCli(process.argv.slice(2), processContext).then((code) => {
  process.exitCode = code;
});
