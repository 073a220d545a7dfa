import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '../..');
const run = (command: string, args: string[], cwd = ROOT) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// What a downstream service writes: the feed's types must be real (not any), and the API's too.
const CONSUMER = `
import { createCdpClient, subscribeCustomers, CdpApiError, type CustomerChange } from '@cdp/client';

export function describeChange(change: CustomerChange): string {
  switch (change.type) {
    case 'CustomerMerged':
      return change.customerId + ' v' + change.version;
    default:
      return change.type;
  }
}

// @ts-expect-error: a change has no such type
export const wrong: CustomerChange['type'] = 'CustomerDeleted';

export async function main(baseUrl: string): Promise<string> {
  const client = createCdpClient({ baseUrl });
  const known = await client.customer('cus_known');
  const unknown = await client.customer('cus_unknown');
  const subscription = subscribeCustomers({ transport: { sse: { baseUrl } }, from: 'now' }, async () => undefined);
  await subscription.close();
  return [known?.customerId, unknown === undefined, typeof CdpApiError].join(' ');
}

// The README's paging loop, and options that may be absent, under exactOptionalPropertyTypes (tsc --init sets it).
export async function wholeTimeline(baseUrl: string, customerId: string, segment?: string): Promise<number> {
  const filter = segment === undefined ? undefined : { segment };
  await subscribeCustomers({ transport: { sse: { baseUrl } }, filter }, async () => undefined).close();
  const client = createCdpClient({ baseUrl });
  let count = 0;
  for (let before: string | undefined; ; ) {
    const page = await client.timeline(customerId, { limit: 200, before });
    count += page.touchpoints.length;
    if (!page.next) return count;
    before = page.next;
  }
}
`;

// A service that follows the feed from Kafka.
const KAFKA_CONSUMER = `
import { subscribeCustomers, type KafkaSubscribeOptions } from '@cdp/client/kafka';

const options: KafkaSubscribeOptions = { transport: { kafka: { brokers: ['kafka:9092'], groupId: 'newsletter', registryUrl: 'http://registry:8081', config: { ssl: true } } } };
export const follow = () => subscribeCustomers(options, async (change) => void change.customerId);
`;

describe('the published @cdp/client package', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'cdp-client-package-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('packs JavaScript and one declaration file that needs none of the platform’s unpublished libraries', () => {
    // Built into dist/client as the docs show, then packed with the command the build prints, as printed.
    const built = run(process.execPath, ['-r', join(ROOT, 'tools/register.js'), join(ROOT, 'tools/build-client.ts'), 'dist/client'], work);
    const [command, ...args] = built.trim().replace(/.*pack it with /s, '').split(' ');
    expect([command, ...args]).toEqual(['npm', 'pack', './dist/client']);
    const packed = JSON.parse(run(command, [...args, '--json'], work))[0] as { filename: string; files: { path: string }[] };
    const files = packed.files.map((f) => f.path);

    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'index.js', 'index.d.ts', 'kafka.js', 'kafka.d.ts', 'lib/subscribe-customers.js']));
    expect(files.filter((f) => f.endsWith('.ts') && !['index.d.ts', 'kafka.d.ts'].includes(f))).toEqual([]);
    const declarations = run('tar', ['-xOzf', join(work, packed.filename), 'package/index.d.ts']);
    expect(declarations).not.toMatch(/@cdp\/(?!client\b)/);
    // Nothing of Node's or kafkajs's: a web page's project type-checks it without @types/node.
    expect(declarations.match(/^import .*/gm)).toBeNull();
    const kafkaDeclarations = run('tar', ['-xOzf', join(work, packed.filename), 'package/kafka.d.ts']);
    expect(kafkaDeclarations.match(/^import .*/gm)).toEqual(["import { KafkaConfig } from 'kafkajs';"]);

    // A fresh project with the package installed from the tarball, and its published dependencies, without the optional kafkajs.
    const consumer = join(work, 'consumer');
    mkdirSync(join(consumer, 'node_modules/@cdp/client'), { recursive: true });
    run('tar', ['-xzf', join(work, packed.filename), '-C', join(consumer, 'node_modules/@cdp/client'), '--strip-components=1']);
    for (const dependency of ['avsc', 'eventsource-parser', '@types/node']) {
      mkdirSync(join(consumer, 'node_modules', dependency, '..'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dependency), join(consumer, 'node_modules', dependency));
    }
    writeFileSync(join(consumer, 'consumer.ts'), CONSUMER);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, exactOptionalPropertyTypes: true, skipLibCheck: false, module: 'commonjs', target: 'es2022', types: ['node'], outDir: 'out' }, files: ['consumer.ts'] }),
    );

    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', consumer], consumer);
    expect(readdirSync(join(consumer, 'out'))).toEqual(['consumer.js']);

    // A web page's project: the DOM's types, none of Node's.
    writeFileSync(
      join(consumer, 'tsconfig.web.json'),
      JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: false, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'], types: [], noEmit: true }, files: ['consumer.ts'] }),
    );
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(consumer, 'tsconfig.web.json')], consumer);

    // A service on Kafka imports the other entry, with kafkajs installed, under Node's resolution of package exports.
    symlinkSync(join(ROOT, 'node_modules/kafkajs'), join(consumer, 'node_modules/kafkajs'));
    writeFileSync(join(consumer, 'on-kafka.ts'), KAFKA_CONSUMER);
    writeFileSync(
      join(consumer, 'tsconfig.kafka.json'),
      JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: false, module: 'node16', target: 'es2022', types: ['node'], noEmit: true }, files: ['on-kafka.ts'] }),
    );
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(consumer, 'tsconfig.kafka.json')], consumer);
  });

  it("loads, from its main entry, nothing but eventsource-parser: no kafkajs, avsc or Node module in a web page's bundle", () => {
    const external = new Set<string>();
    const seen = new Set<string>();
    const follow = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, required] of readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)|\bimport\("([^"]+)"\)/g)) {
        if (!required.startsWith('.')) external.add(required);
        else follow(require.resolve(join(dirname(file), required)));
      }
    };
    follow(join(work, 'consumer/node_modules/@cdp/client/index.js'));
    expect([...external]).toEqual(['eventsource-parser']);
  });

  it('runs in that project: typed API calls answer, and an unknown customer is undefined', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((request, response) => {
      if (request.url === '/v1/customers/cus_known') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ customerId: 'cus_known' }));
      } else if (request.url?.startsWith('/v1/customers/')) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'CUSTOMER.NOT_FOUND', message: 'no such customer' }));
      } else {
        response.writeHead(200, { 'content-type': 'text/event-stream' }).write(': open\n\n');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const script = `require('./out/consumer.js').main('http://127.0.0.1:${port}').then((line) => console.log(line))`;
      const output = await new Promise<string>((resolve, reject) =>
        require('node:child_process').execFile(process.execPath, ['-e', script], { cwd: join(work, 'consumer') }, (error: Error | null, stdout: string) =>
          error ? reject(error) : resolve(stdout.trim()),
        ),
      );
      expect(output).toBe('cus_known true function');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
