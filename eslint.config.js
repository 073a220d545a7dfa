// Lint rules, and the module boundaries of the monorepo: domain rules stay free of frameworks
// and database clients; adapters depend on ports, not the other way round.
const nx = require('@nx/eslint-plugin');

const CLIENTS = ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', '@eventstore/*', '@clickhouse/*', 'chdb', '@electric-sql/*', 'express'];

module.exports = [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '**/.nx', '**/.cdp', 'coverage'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // The embedded platform is every app in one process: it imports the apps' feature modules;
          // end-to-end tests drive the CLI in-process.
          allow: ['@cdp/ingest-app', '@cdp/projector-app', '@cdp/api-app', '@cdp/platform-app', '@cdp/cli-app'],
          // The CLI loads the platform's server modules only for the commands that open its stores,
          // and takes the settings from their light entry (@cdp/platform-runtime/settings) at start.
          checkDynamicDependenciesExceptions: ['@cdp/platform-runtime'],
          depConstraints: [
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: CLIENTS },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'], bannedExternalImports: CLIENTS },
            { sourceTag: 'type:port', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: CLIENTS },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:port', 'type:adapter', 'type:domain', 'type:util'] },
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:runtime', 'type:port', 'type:adapter', 'type:domain', 'type:util'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:app', 'type:runtime', 'type:port', 'type:adapter', 'type:domain', 'type:util'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
];
