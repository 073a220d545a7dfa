import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_SCHEMAS_DIR } from '@cdp/events';
import { CliError, EXIT } from '../../shared/cli-error';
import { testContext } from '../../testing/fake-platform';
import { registerSchemaCheckCommand } from './schema-check.command';

/** `cdp schema check <args>` as runCli runs a command: a CliError is one line on stderr and its exit code. */
async function schemaCheck(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { context, terminal } = testContext(() => undefined, env);
  const program = new Command('cdp').exitOverride();
  registerSchemaCheckCommand(program.command('schema'), context);
  let code: number = EXIT.ok;
  try {
    await program.parseAsync(['schema', 'check', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    terminal.err(`cdp: ${error.message}`);
    code = error.exitCode;
  }
  return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
}

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the repository's schemas/ with a purchase v2 payload published under the next id. */
function schemasWithPurchaseV2(change: (fields: object[]) => object[]): { dir: string; id: number } {
  const dir = mkdtempSync(join(tmpdir(), 'cdp-schema-check-'));
  folders.push(dir);
  cpSync(DEFAULT_SCHEMAS_DIR, dir, { recursive: true });
  const v1 = JSON.parse(readFileSync(join(dir, 'touchpoints/purchase/v1.avsc'), 'utf8'));
  writeFileSync(join(dir, 'touchpoints/purchase/v2.avsc'), JSON.stringify({ ...v1, fields: change(v1.fields) }, null, 2));
  const schemaIds = JSON.parse(readFileSync(join(dir, 'schema-ids.json'), 'utf8'));
  const id = Math.max(...schemaIds.ids.map((entry: { id: number }) => entry.id)) + 1;
  schemaIds.ids.push({ id, schema: 'touchpoints/purchase', payload: 'v2', envelope: 'v1' });
  writeFileSync(join(dir, 'schema-ids.json'), JSON.stringify(schemaIds, null, 2));
  return { dir, id };
}

/** Seals the last entry of the folder's schema-ids.json with `fingerprint`. */
function sealLast(dir: string, fingerprint: string): void {
  const schemaIds = JSON.parse(readFileSync(join(dir, 'schema-ids.json'), 'utf8'));
  schemaIds.ids[schemaIds.ids.length - 1].fingerprint = fingerprint;
  writeFileSync(join(dir, 'schema-ids.json'), JSON.stringify(schemaIds, null, 2));
}

describe('cdp schema check', () => {
  it("passes the repository's schemas, one row per touchpoint type and feed subject", async () => {
    const result = await schemaCheck([]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^TYPE OR SUBJECT\s+VERSIONS\s+POLICY\s+RESULT$/);
    expect(lines).toContainEqual(expect.stringMatching(/^purchase\s+v1 \(id 1\)\s+backward\s+OK$/));
    expect(lines).toContainEqual(expect.stringMatching(/^cdp\.customer-profiles\.v1-value\s+v1 \(id 7\)\s+full\s+OK$/));
    expect(lines[lines.length - 1]).toMatch(/^All \d+ pass/);
    expect(lines[lines.length - 1]).toContain(`(schemas in ${DEFAULT_SCHEMAS_DIR}).`);
  });

  it('takes a new version with an optional field, in the folder CDP_SCHEMAS_DIR names, once sealed with the fingerprint it gives', async () => {
    const { dir, id } = schemasWithPurchaseV2((fields) => [...fields, { name: 'comment', type: ['null', 'string'], default: null }]);
    const unsealed = await schemaCheck([], { CDP_SCHEMAS_DIR: dir });
    expect(unsealed.code).toBe(EXIT.failure);
    const [, fingerprint] = new RegExp(`^    v2  not sealed: once it is final, add "fingerprint": "(sha256:[0-9a-f]{16})" to the entry of id ${id} in schema-ids\\.json$`, 'm').exec(unsealed.stdout)!;
    expect(unsealed.stderr).toBe('cdp: seal each version above with its fingerprint, so that a change to its files is refused from then on.');

    sealLast(dir, fingerprint);
    const sealed = await schemaCheck([], { CDP_SCHEMAS_DIR: dir });
    expect(sealed.code).toBe(0);
    expect(sealed.stdout).toMatch(new RegExp(`^purchase\\s+v1 \\(id 1\\), v2 \\(id ${id}\\)\\s+backward\\s+OK$`, 'm'));
  });

  it('refuses a sealed version whose file was edited, even in a way readers take (fields reordered), and exits 1', async () => {
    const { dir } = schemasWithPurchaseV2((fields) => fields);
    const v1 = JSON.parse(readFileSync(join(dir, 'touchpoints/purchase/v1.avsc'), 'utf8'));
    writeFileSync(join(dir, 'touchpoints/purchase/v1.avsc'), JSON.stringify({ ...v1, fields: [...v1.fields].reverse() }));
    const result = await schemaCheck(['--schemas', dir]);
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toMatch(
      /^cdp: schemas\/schema-ids\.json id 1: schemas\/touchpoints\/purchase\/v1\.avsc \(with schemas\/envelope\/v1\.avsc\) changed since id 1 was sealed .* put it back as it was, and make the change a new version/,
    );
  });

  it('fails a new version that cannot read the events already written, showing why under its type, and exits 1', async () => {
    const { dir } = schemasWithPurchaseV2((fields) => [...fields, { name: 'comment', type: 'string' }]);
    const result = await schemaCheck(['--schemas', dir]);
    expect(result.code).toBe(EXIT.failure);
    const lines = result.stdout.split('\n');
    const row = lines.findIndex((line) => line.startsWith('purchase '));
    expect(lines[row]).toMatch(/\s+backward\s+FAILED$/);
    expect(lines[row + 1]).toBe(
      '    v1 → v2  payload.comment: new field without a default: events written with v1 have no value for it (give it a default, e.g. ["null","string"] with "default": null)',
    );
    expect(lines[lines.length - 1]).toMatch(/^1 of \d+ failed \(schemas in .*\)\.$/);
    expect(result.stderr).toBe('cdp: fix the schemas above, or add a new version instead of changing a published one.');
  });

  it('says in one line what is wrong with a folder that does not load, where it is, and exits 1', async () => {
    const { dir } = schemasWithPurchaseV2((fields) => fields);
    writeFileSync(join(dir, 'touchpoints/purchase/manifest.json'), '{ "type": "purchase",');
    const broken = await schemaCheck(['--schemas', dir]);
    expect(broken).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^cdp: \S+manifest\.json is not valid JSON: .+$/) });

    const nowhere = await schemaCheck(['--schemas', join(dir, 'nowhere')]);
    expect(nowhere).toMatchObject({ code: 1, stderr: `cdp: ${join(dir, 'nowhere')} holds no schema-ids.json: is it a schemas folder?` });

    rmSync(join(dir, 'touchpoints'), { recursive: true });
    const unreadable = await schemaCheck(['--schemas', dir]);
    expect(unreadable).toMatchObject({ code: 1, stderr: expect.stringMatching(/^cdp: cannot read the schemas folder .+: ENOENT: no such file or directory, scandir .+touchpoints'$/) });
  });
});
