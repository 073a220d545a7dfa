import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { generateDtsBundle } from 'dts-bundle-generator';
import ts from 'typescript';

/**
 * Builds the publishable package of libs/client into dist/client (or the folder given as the first
 * argument): its JavaScript, file by file, and one declaration file with the platform's own types
 * (from @cdp/feed, @cdp/profile, ...) written into it, since those libraries are not published.
 * Then `npm pack ./dist/client` or `npm publish ./dist/client` (without `./`, npm reads `dist/client` as a GitHub repository).
 */
const ROOT = join(__dirname, '..');
const SOURCE = join(ROOT, 'libs/client/src');
const out = process.argv[2] ?? join(ROOT, 'dist/client');

rmSync(out, { recursive: true, force: true });
const compilerOptions: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true };
for (const file of sourceFiles(SOURCE)) {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
  const target = join(out, relative(SOURCE, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, outputText);
}
// One declaration file per entry: `@cdp/client` (the API and SSE, for Node and web pages alike,
// naming nothing of Node's or kafkajs's) and `@cdp/client/kafka`, whose users install kafkajs, the
// optional peer it imports its types from.
const entries = ['index', 'kafka'];
const declarations = generateDtsBundle(
  // The kafka entry exports its own names only; the types it shares with the main one are declared in it unexported.
  entries.map((entry) => ({ filePath: join(SOURCE, `${entry}.ts`), output: { noBanner: true, exportReferencedTypes: entry === 'index' } })),
  { preferredConfigPath: join(ROOT, 'libs/client/tsconfig.lib.json') },
);
entries.forEach((entry, i) => writeFileSync(join(out, `${entry}.d.ts`), declarations[i]));
cpSync(join(ROOT, 'libs/client/package.json'), join(out, 'package.json'));
cpSync(join(ROOT, 'libs/client/README.md'), join(out, 'README.md'));
console.log(`@cdp/client built into ${relative(process.cwd(), out) || '.'}; pack it with npm pack ./${relative(process.cwd(), out)}`);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|fixture)\.ts$/.test(entry.name) ? [path] : [];
  });
}
