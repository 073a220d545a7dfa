export { runCli } from './program';
export type { CliContext } from './shared/cli-context';
