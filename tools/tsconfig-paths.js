// The @cdp/* path aliases of tsconfig.base.json as jest moduleNameMapper entries.
const { compilerOptions } = require('../tsconfig.base.json');

module.exports = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);
