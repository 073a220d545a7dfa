// Runs the TypeScript sources directly: swc transpiles them (with the decorator metadata NestJS
// needs) and resolves the @cdp/* paths of tsconfig.base.json.
process.env.SWC_NODE_PROJECT ??= require('node:path').join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
