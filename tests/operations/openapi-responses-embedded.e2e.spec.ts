import Ajv from 'ajv';
import { touchpointExamples } from '@cdp/events';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { waitUntilCaughtUp } from '../support/admin-client';
import { eventually } from '../support/eventually';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';
import { SettableClock } from '../support/settable-clock';

type Schema = Record<string, unknown>;

/**
 * What /docs-json promises each endpoint answers, held to what the endpoints answer: every field
 * the schema lists is there with its type, and no field comes that it does not list. A client
 * generated from the document would otherwise be wrong without anyone knowing.
 */
describe('the answers of the API, against its OpenAPI document (embedded)', () => {
  let platform: PlatformUnderTest;
  let document: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>; components: { schemas: Record<string, Schema> } };
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The platform's now, after the touchpoints below and the what-if run's asOf: the points they earn
  // (expiring 365 days after the purchase) and the answers do not depend on the day the test runs.
  const clock = new SettableClock(new Date('2026-11-26T00:00:00.000Z'));

  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { CDP_RFM_EVERY_MINUTES: '0' }, clock);
    document = (await platform.get('/docs-json')).body;
  });
  afterAll(() => platform?.close());

  /** The answer's body, checked against the schema the document gives for its path, method and status. */
  function expectDocumented(template: string, method: string, answer: { status: number; body: unknown }): void {
    const responses = document.paths[template]?.[method]?.responses;
    if (!responses) throw new Error(`${method.toUpperCase()} ${template} is not in /docs-json`);
    const schema = (responses[String(answer.status)] ?? responses.default)?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${method.toUpperCase()} ${template} has no schema for its ${answer.status}`);
    const validate = ajv.compile(strict(resolved(schema)));
    if (!validate(answer.body)) {
      throw new Error(`${method.toUpperCase()} ${template} answered ${answer.status} outside its schema: ${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(answer.body)}`);
    }
  }

  function resolved(schema: Schema): Schema {
    const ref = schema.$ref as string | undefined;
    return ref ? document.components.schemas[ref.replace('#/components/schemas/', '')] : schema;
  }

  it('answers every query endpoint as documented, merged ids, what-if runs and errors included', async () => {
    const email = 'sara@example.com';
    const accepted = await platform.post('/v1/touchpoints', {
      touchpoints: [
        { type: 'purchase', source: 'pos-1', occurredAt: '2026-11-20T10:15:00Z', identifiers: { email }, traits: { firstName: 'Sara' }, payload: { orderId: 'o-1', amount: '300000', currency: 'IRR', items: [] } },
        { type: 'call', source: 'call-centre', occurredAt: '2026-11-21T10:15:00Z', identifiers: { phone: '+989121234567' }, payload: { direction: 'inbound', durationSec: 60, outcome: 'complaint' } },
        {
          type: 'profile_update',
          source: 'club-signup',
          occurredAt: '2026-11-22T10:15:00Z',
          identifiers: { email, phone: '0912 123 4567', loyaltyCard: 'LC-1' },
          consent: { sms: 'granted' },
          payload: { preferences: { sauce: 'no spicy sauce' }, importantDates: { passportExpiry: '2027-03-01' } },
        },
        { type: 'refund', source: 'pos-1', occurredAt: '2026-11-23T08:00:00Z', identifiers: { email }, payload: { orderId: 'o-1', amount: '1000', currency: 'IRR' } },
        { type: 'visit', source: 'web', occurredAt: '2026-11-23T09:00:00Z', identifiers: { customerId: 'c-1', email: 'shared@example.com' }, payload: { channel: 'web' } },
        { type: 'visit', source: 'web', occurredAt: '2026-11-23T09:01:00Z', identifiers: { customerId: 'c-2', email: 'shared@example.com' }, payload: { channel: 'web' } },
      ],
    });
    expectDocumented('/v1/touchpoints', 'post', accepted);
    expect(accepted.status).toBe(202);
    await waitUntilCaughtUp(platform.url);

    const view = await eventually(async () => {
      const answer = await platform.get(`/v1/customers?identifier=email:${email}`);
      return answer.body?.mergedFrom?.length === 1 ? answer : undefined;
    }, 'the call and the purchase to be one customer');
    expectDocumented('/v1/customers', 'get', view);
    const { customerId, mergedFrom } = view.body;
    for (const id of [customerId, mergedFrom[0]]) expectDocumented('/v1/customers/{id}', 'get', await platform.get(`/v1/customers/${id}`));
    expectDocumented('/v1/customers/{id}/timeline', 'get', await platform.get(`/v1/customers/${customerId}/timeline`));
    // The points come by another way than the profile (loyalty_earning, the event store, then the loyalty projection):
    // the purchase's 30,000 points (0.1 a rial), less the 100 its refund of 1,000 takes back.
    const loyalty = await eventually(async () => {
      const answer = await platform.get(`/v1/customers/${customerId}/loyalty`);
      return answer.status === 200 && answer.body.available === 29_900 ? answer : undefined;
    }, "the purchase's points, less the refund's, in the survivor's account", 60_000);
    expectDocumented('/v1/customers/{id}/loyalty', 'get', loyalty);
    const redeemed = await platform.post(`/v1/customers/${customerId}/loyalty/redemptions`, { points: 100, idempotencyKey: 'till-1', reason: 'tea' });
    expect(redeemed.status).toBe(201);
    expectDocumented('/v1/customers/{id}/loyalty/redemptions', 'post', redeemed);
    // Its errors are listed by status, so that a generated client tells a 409 from a 422.
    const tooMany = await platform.post(`/v1/customers/${customerId}/loyalty/redemptions`, { points: 1_000_000, idempotencyKey: 'till-2' });
    expect(tooMany).toMatchObject({ status: 409, body: { error: 'LOYALTY.INSUFFICIENT_POINTS' } });
    expectDocumented('/v1/customers/{id}/loyalty/redemptions', 'post', tooMany);
    expect(Object.keys(document.paths['/v1/customers/{id}/loyalty/redemptions'].post.responses).sort()).toEqual(['201', '400', '404', '409', '422', '503', 'default']);
    expectDocumented('/v1/customers/{id}/loyalty/ledger', 'get', await platform.get(`/v1/customers/${customerId}/loyalty/ledger`));

    const conflicts = await platform.get('/v1/admin/identity-conflicts');
    expect(conflicts.body.conflicts).toHaveLength(1);
    expectDocumented('/v1/admin/identity-conflicts', 'get', conflicts);

    const run = await platform.post('/v1/segments/rfm/runs', { windowDays: 'all' });
    // Finished by the platform's clock, as it was asked by it.
    expect(run).toMatchObject({ status: 200, body: { current: true, windowDays: 'all', requestedAt: '2026-11-26T00:00:00.000Z', finishedAt: '2026-11-26T00:00:00.000Z' } });
    expectDocumented('/v1/segments/rfm/runs', 'post', run);
    const whatIf = await platform.post('/v1/segments/rfm/runs', { asOf: '2026-11-25T00:00:00Z' });
    expect(whatIf).toMatchObject({ status: 200, body: { current: false } });
    expectDocumented('/v1/segments/rfm/runs', 'post', whatIf);
    expectDocumented('/v1/segments/rfm', 'get', await platform.get('/v1/segments/rfm'));
    expectDocumented('/v1/customers/{id}/rfm', 'get', await platform.get(`/v1/customers/${customerId}/rfm`));

    const unknown = await platform.get('/v1/customers/cus_nobody');
    expect(unknown.status).toBe(404);
    expectDocumented('/v1/customers/{id}', 'get', unknown);
    // Its waits (the projections, the loyalty accounts, an RFM run) may each take a while on a loaded machine.
  }, 180_000);

  it('gives every query endpoint a schema for its success', () => {
    const undocumented = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/') && !path.startsWith('/v1/admin/'))
      .flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => !Object.entries(operation.responses).some(([status, response]) => status.startsWith('2') && response.content?.['application/json']?.schema))
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );
    // The stream answers text/event-stream, described in docs/subscribing.md.
    expect(undocumented).toEqual(['GET /v1/stream/customers']);
    expect(Object.keys(document.paths['/v1/stream/customers'].get.responses['200'].content ?? {})).toEqual(['text/event-stream']);
  });

  it('types every parameter of the /v1 endpoints, and makes the ones with a default optional', () => {
    type Parameter = { name: string; in: string; required?: boolean; schema?: { type?: string } };
    const operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, operation]) => ({ at: `${method.toUpperCase()} ${path}`, parameters: ((operation as { parameters?: Parameter[] }).parameters ?? []) })));
    const untyped = operations.flatMap(({ at, parameters }) => parameters.filter((p) => !p.schema?.type).map((p) => `${at} ${p.name}`));
    expect(untyped).toEqual([]);
    const limits = operations.flatMap(({ at, parameters }) => parameters.filter((p) => p.name === 'limit').map((p) => ({ at, required: p.required ?? false, type: p.schema?.type })));
    expect(limits.length).toBe(3);
    expect(limits.filter((limit) => limit.required || limit.type !== 'integer')).toEqual([]);
  });

  it('describes the body of POST /v1/touchpoints from the schemas: every example validates, and what the platform refuses does not', async () => {
    const body = (document.paths['/v1/touchpoints'].post as unknown as { requestBody: { content: Record<string, { schema: Schema }> } }).requestBody.content['application/json'].schema;
    const validate = new Ajv({ allErrors: true, strict: false }).compile({ ...body, components: document.components });
    const examples = Object.values(touchpointExamples);
    expect(examples.length).toBeGreaterThan(5);
    for (const example of examples) expect({ example, valid: validate(example), errors: validate.errors }).toMatchObject({ valid: true });
    expect(validate({ touchpoints: examples })).toBe(true);
    const refused = [
      { ...touchpointExamples.purchase, colour: 'red' },
      { ...touchpointExamples.purchase, payload: { ...touchpointExamples.purchase.payload, amount: undefined } },
      { ...touchpointExamples.purchase, occurredAt: 7 },
      { ...touchpointExamples.purchase, type: 'no_such_type' },
      { touchpoints: [] },
    ];
    for (const touchpoint of refused) {
      expect({ touchpoint, valid: validate(JSON.parse(JSON.stringify(touchpoint))) }).toMatchObject({ valid: false });
      expect((await platform.post('/v1/touchpoints', touchpoint)).status).toBe(400);
    }
  });

  it('says on /metrics when each projection last committed a batch, so that a stuck one shows', async () => {
    const metrics = (await platform.get('/metrics')).body as string;
    const at = Number(/^cdp_projection_last_batch_timestamp_seconds\{projection="customers"\} (\S+)$/m.exec(metrics)?.[1]);
    // The first test projected touchpoints minutes ago at most.
    expect(Date.now() / 1000 - at).toBeGreaterThanOrEqual(0);
    expect(Date.now() / 1000 - at).toBeLessThan(600);
  });

  it('lists /metrics, in the content type it answers with', async () => {
    const response = await fetch(`${platform.url}/metrics`);
    await response.text();
    expect(Object.keys(document.paths['/metrics']?.get?.responses['200']?.content ?? {})).toEqual([response.headers.get('content-type')]);
  });
});

/** The schema as JSON Schema for ajv, held strictly: OpenAPI's nullable as a null type, and no field an object does not list. */
function strict(schema: unknown): Schema {
  if (Array.isArray(schema)) return schema.map(strict) as unknown as Schema;
  if (typeof schema !== 'object' || schema === null) return schema as Schema;
  const { nullable, example: _example, ...rest } = schema as Schema;
  const converted: Schema = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, key === 'properties' ? mapValues(value as Schema, strict) : strict(value)]));
  if (converted.properties && converted.additionalProperties === undefined) converted.additionalProperties = false;
  if (nullable === true) return { anyOf: [converted, { type: 'null' }] };
  return converted;
}

function mapValues(values: Schema, map: (value: unknown) => unknown): Schema {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, map(value)]));
}
