#!/usr/bin/env node
// `npx cdp ...`: runs the CLI from its TypeScript sources (see register.js).
require('./register.js');
require('../apps/cli/src/main.ts');
