import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCHEMAS_DIR, touchpointExamples } from '@cdp/events';
import { CliError, EXIT } from '../../shared/cli-error';
import { runSourceCommand } from '../testing/run-source-command';

const SAMPLES = join(DEFAULT_SCHEMAS_DIR, 'touchpoints/survey_response/samples.ndjson');
const BAD_SAMPLES = join(DEFAULT_SCHEMAS_DIR, '../tests/fixtures/survey_response/bad-samples.ndjson');

describe('cdp source validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdp-validate-'));
  const file = (name: string, lines: readonly object[]) => {
    const path = join(dir, name);
    writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n'));
    return path;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the shipped survey_response samples, with no platform running', async () => {
    expect(await runSourceCommand(['validate', 'survey_response', SAMPLES])).toEqual({ error: undefined, stdout: '6 lines: 6 valid, 0 refused', stderr: '' });
  });

  it('prints every refused line where it is, a summary, and fails with exit code 1', async () => {
    const { error, stdout } = await runSourceCommand(['validate', 'survey_response', BAD_SAMPLES]);
    expect(stdout.split('\n')).toEqual([
      expect.stringMatching(/^line 1: \(root\): is not valid JSON at column \d+: /),
      'line 2: payload.npsScore: must be from 0 to 10, not 11',
      expect.stringMatching(/^line 3: identifiers: needs at least one real identifier/),
      '3 lines: 0 valid, 3 refused',
    ]);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'CLI.SAMPLES_REFUSED', exitCode: EXIT.failure, message: expect.stringContaining('would refuse 3 of these 3 touchpoints') });
  });

  it('reads phones written without a country code in CDP_DEFAULT_PHONE_REGION, as the platform does', async () => {
    const local = file('local-phone.ndjson', [{ ...touchpointExamples.call, identifiers: { phone: '030 1234567' } }]);
    expect((await runSourceCommand(['validate', 'call', local], { CDP_DEFAULT_PHONE_REGION: 'DE' })).stdout).toBe('1 line: 1 valid, 0 refused');
    expect((await runSourceCommand(['validate', 'call', local])).stdout).toMatch(/^line 1: identifiers\.phone: is not a valid phone number in region IR/);
  });

  it('says which types exist and how to add one, for an unknown type: exit code 2', async () => {
    const { error } = await runSourceCommand(['validate', 'chat_message', SAMPLES]);
    expect(error).toMatchObject({ exitCode: EXIT.usage, message: expect.stringMatching(/has no touchpoint type "chat_message"; it has call, .*survey_response.*. Pass --schemas with the folder that holds it, or add it with `cdp source add chat_message --owner <team>`\.$/) });
  });

  it('reads the schemas of --schemas, else of CDP_SCHEMAS_DIR', async () => {
    const elsewhere = join(dir, 'no-schemas');
    const viaEnv = await runSourceCommand(['validate', 'survey_response', SAMPLES], { CDP_SCHEMAS_DIR: elsewhere });
    expect(viaEnv.error).toMatchObject({ exitCode: EXIT.failure, message: expect.stringContaining(`${elsewhere} holds no schema-ids.json`) });
    expect((await runSourceCommand(['validate', 'survey_response', SAMPLES, '--schemas', DEFAULT_SCHEMAS_DIR], { CDP_SCHEMAS_DIR: elsewhere })).error).toBeUndefined();
  });

  it('refuses a file it cannot read (exit code 2) and one without a touchpoint (exit code 1)', async () => {
    expect((await runSourceCommand(['validate', 'survey_response', join(dir, 'missing.ndjson')])).error).toMatchObject({ exitCode: EXIT.usage, message: expect.stringContaining('cannot read') });
    expect((await runSourceCommand(['validate', 'survey_response', file('empty.ndjson', [])])).error).toMatchObject({ code: 'CLI.NO_SAMPLES', exitCode: EXIT.failure });
  });
});
