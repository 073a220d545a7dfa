import { runCli } from './program';
import { processContext } from './shared/cli-context';

/** `npx cdp ...` (tools/cdp.js) and `npm run cdp -- ...`. */
runCli(process.argv.slice(2), processContext).then((code) => {
  process.exitCode = code;
});
