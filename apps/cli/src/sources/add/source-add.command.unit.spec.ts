import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCHEMAS_DIR, loadSchemaCatalog } from '@cdp/events';
import { EXIT } from '../../shared/cli-error';
import { runSourceCommand } from '../testing/run-source-command';

describe('cdp source add', () => {
  let root: string;
  let schemas: string;
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  /** Run in the checkout's root, as the docs show it. */
  const add = (...args: string[]) => runSourceCommand(['add', ...args, '--schemas', schemas], {}, root);

  beforeEach(() => {
    // A checkout of the platform: its schemas, and the test support the scaffolded spec imports.
    root = mkdtempSync(join(tmpdir(), 'cdp-source-add-'));
    schemas = join(root, 'schemas');
    cpSync(DEFAULT_SCHEMAS_DIR, schemas, { recursive: true });
    cpSync(join(DEFAULT_SCHEMAS_DIR, '../tests/support/source-samples.ts'), join(root, 'tests/support/source-samples.ts'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('scaffolds a type that loads, whose sample passes validation, with the next schema id on a line of its own', async () => {
    const idsBefore = read('schemas/schema-ids.json');
    const nextId = Math.max(...JSON.parse(idsBefore).ids.map((entry: { id: number }) => entry.id)) + 1;

    const { error, stdout } = await add('gift_card_redemption', '--owner', 'loyalty');

    expect(error).toBeUndefined();
    expect(stdout).toContain(`Added the touchpoint type gift_card_redemption, owned by loyalty (schema id ${nextId}: payload v1 on envelope v1):`);
    expect(stdout).toContain('2. npx cdp source validate gift_card_redemption schemas/touchpoints/gift_card_redemption/samples.ndjson --schemas schemas\n');
    expect(stdout).toContain('3. npx cdp schema check --schemas schemas   (once v1 is final, it gives the fingerprint to seal it with in schema-ids.json)\n');
    // The platform starts from its own checkout: the folder is given in full.
    expect(stdout).toContain(`4. Restart the platform with CDP_SCHEMAS_DIR=${schemas} so that it loads the type`);
    // The next step works as printed, where it runs.
    expect(await runPrintedStep(stdout, 2, root)).toMatchObject({ error: undefined, stdout: '1 line: 1 valid, 0 refused' });
    expect(read('schemas/schema-ids.json')).toBe(
      idsBefore.replace(/\}(\n\s*\]\n\}\n)$/, `},\n    { "id": ${nextId}, "schema": "touchpoints/gift_card_redemption", "payload": "v1", "envelope": "v1" }$1`),
    );
    expect(JSON.parse(read('schemas/touchpoints/gift_card_redemption/manifest.json'))).toEqual({
      type: 'gift_card_redemption',
      owner: 'loyalty',
      compatibility: 'backward',
      money: [],
      identifiers: {},
      channel: null,
      columns: [],
      bounds: {},
    });
    // The spec survey_response was scaffolded with, which the unit suite runs.
    const shippedSpec = readFileSync(join(DEFAULT_SCHEMAS_DIR, '../tests/sources/survey_response.samples.unit.spec.ts'), 'utf8');
    expect(read('tests/sources/gift_card_redemption.samples.unit.spec.ts')).toBe(shippedSpec.replaceAll('survey_response', 'gift_card_redemption'));

    const catalog = loadSchemaCatalog(schemas);
    expect(catalog.latest('gift_card_redemption')).toMatchObject({ id: nextId, subject: 'cdp.touchpoints.v1-cdp.touchpoints.GiftCardRedemption', version: 1 });
    expect(JSON.stringify(catalog.latest('gift_card_redemption')!.schema)).toContain('"name":"GiftCardRedemptionPayload","namespace":"cdp.touchpoints"');

    const validated = await runSourceCommand(['validate', 'gift_card_redemption', join(schemas, 'touchpoints/gift_card_redemption/samples.ndjson'), '--schemas', schemas]);
    expect(validated).toMatchObject({ error: undefined, stdout: '1 line: 1 valid, 0 refused' });
  });

  it('writes no unit test for a schemas folder outside a checkout of the platform, and prints paths the next commands take where it runs', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'cdp-source-add-cwd-'));
    rmSync(join(root, 'tests'), { recursive: true });
    try {
      const { error, stdout } = await runSourceCommand(['add', 'gift_card', '--owner', 'loyalty', '--schemas', schemas], {}, elsewhere);

      expect(error).toBeUndefined();
      expect(stdout).toContain(`cdp source validate gift_card ${join(schemas, 'touchpoints/gift_card/samples.ndjson')} --schemas ${schemas}   (the schemas folder is not in a checkout`);
      expect(await runPrintedStep(stdout, 2, elsewhere)).toMatchObject({ error: undefined, stdout: '1 line: 1 valid, 0 refused' });
      expect(readdirSync(root)).toEqual(['schemas']);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it.each([
    ['a name that is not lower_snake_case', ['Gift-Card', '--owner', 'loyalty'], '"type" must be lower_snake_case'],
    ['a type that exists', ['purchase', '--owner', 'commerce'], 'the touchpoint type "purchase" already exists (schemas/touchpoints/purchase)'],
    ['an empty owner', ['gift_card', '--owner', ''], '"owner" must name the owning team'],
    [
      'a name whose record the envelope defines',
      ['identifiers', '--owner', 'crm'],
      'cannot add "identifiers": "identifiers" would make the record cdp.touchpoints.Identifiers, a name schemas/envelope/v1.avsc gives one of its own types: choose another type name',
    ],
    ['another name the envelope defines', ['consent_status', '--owner', 'crm'], '"consent_status" would make the record cdp.touchpoints.ConsentStatus, a name schemas/envelope/v1.avsc gives'],
  ])('refuses %s with exit code 2, and writes nothing', async (_, args, message) => {
    const idsBefore = read('schemas/schema-ids.json');
    const { error } = await add(...args);
    expect(error).toMatchObject({ exitCode: EXIT.usage, message: expect.stringContaining(message) });
    expect(read('schemas/schema-ids.json')).toBe(idsBefore);
    expect(existsSync(join(root, 'tests/sources'))).toBe(false);
  });

  it('refuses a name whose record another type makes, which would share its registry subject, and writes nothing', async () => {
    expect((await add('survey_2024', '--owner', 'cx')).error).toBeUndefined();
    const idsBefore = read('schemas/schema-ids.json');

    const { error } = await add('survey2024', '--owner', 'cx');

    expect(error).toMatchObject({
      exitCode: EXIT.usage,
      message: 'cannot add "survey2024": the type "survey_2024" already makes the touchpoint record Survey2024 (its registry subject), which "survey2024" would share: choose another type name',
    });
    expect(read('schemas/schema-ids.json')).toBe(idsBefore);
    expect(existsSync(join(schemas, 'touchpoints/survey2024'))).toBe(false);
  });

  it('writes nothing when schema-ids.json is not one entry a line, and says what to add by hand', async () => {
    const idsFile = join(schemas, 'schema-ids.json');
    writeFileSync(idsFile, JSON.stringify(JSON.parse(readFileSync(idsFile, 'utf8')), null, 2));
    const { error } = await add('gift_card', '--owner', 'loyalty');
    expect(error).toMatchObject({ code: 'CLI.SCHEMA_IDS_LAYOUT', exitCode: EXIT.failure, message: expect.stringContaining('"schema": "touchpoints/gift_card", "payload": "v1", "envelope": "v1" } to it by hand') });
    expect(existsSync(join(schemas, 'touchpoints/gift_card'))).toBe(false);
  });

  it('needs --owner', async () => {
    expect((await add('gift_card')).error).toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
  });
});

/** Runs the `cdp source …` command of a numbered next step as printed, in the folder given. */
function runPrintedStep(stdout: string, step: number, cwd: string) {
  const line = stdout.split('\n').find((l) => l.trimStart().startsWith(`${step}. npx cdp source `))!;
  const args = line.trim().replace(/^\d+\. npx cdp source /, '').split('   (')[0].split(' ');
  return runSourceCommand(args, {}, cwd);
}
