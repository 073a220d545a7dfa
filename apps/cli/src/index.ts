export { runCli } from './program';
export { processContext, type CliContext } from './shared/cli-context';
