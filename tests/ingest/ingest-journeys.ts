import { randomUUID } from 'node:crypto';
import { touchpointExamples, type Touchpoint } from '@cdp/events';
import type { PlatformUnderTest } from '../support/platform-under-test';

export interface IngestJourneyOptions {
  start(env?: Record<string, string>): Promise<PlatformUnderTest>;
  /** Every touchpoint the log holds whose event id is one of these, read back outside the HTTP API. */
  readBack(platform: PlatformUnderTest, eventIds: readonly string[]): Promise<Touchpoint[]>;
}

/** What a data engineer sees when posting touchpoints, whatever log is underneath. */
export function describeIngestJourneys(mode: string, options: IngestJourneyOptions): void {
  describe(`ingesting touchpoints over HTTP (${mode})`, () => {
    let platform: PlatformUnderTest;
    beforeAll(async () => {
      platform = await options.start();
    });
    afterAll(() => platform?.close());

    const withIds = () => Object.values(touchpointExamples).map((example) => ({ ...example, eventId: randomUUID() }));

    it('appends a valid batch: 202 with ids and positions, and the log holds each touchpoint normalised', async () => {
      const batch = withIds();
      const response = await platform.post('/v1/touchpoints', { touchpoints: batch });

      expect(response.status).toBe(202);
      expect(response.body.touchpoints.map((t: { eventId: string }) => t.eventId)).toEqual(batch.map((t) => t.eventId));
      expect(response.body.touchpoints.every((t: { position: string; duplicate: boolean }) => t.position && !t.duplicate)).toBe(true);

      const stored = await options.readBack(platform, batch.map((t) => t.eventId));
      expect(stored).toHaveLength(batch.length);
      const purchase = stored.find((t) => t.type === 'purchase')!;
      expect(purchase.identifiers).toMatchObject({ email: 'sara.ahmadi@example.com', customerId: 'c-42' });
      expect(purchase.payload).toMatchObject({ amount: '300000', currency: 'IRR' });
      const call = stored.find((t) => t.type === 'call')!;
      expect(call.identifiers.phone).toBe('+989121234567');
    });

    it('refuses an invalid batch with every error located, and appends none of it', async () => {
      const [valid, ...rest] = withIds();
      const invalid = { ...rest[0], occurredAt: 'yesterday', identifiers: { email: 'not-an-email' } };
      const response = await platform.post('/v1/touchpoints', { touchpoints: [valid, invalid, { ...rest[1], type: 'telepathy' }] });

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'INGEST.INVALID_TOUCHPOINTS' });
      expect(response.body.errors.map((e: { index: number; path: string }) => `${e.index}:${e.path}`)).toEqual(['1:occurredAt', '1:identifiers.email', '2:type']);
      expect(await options.readBack(platform, [valid.eventId, invalid.eventId])).toEqual([]);
      // A source's refusals show on /metrics, by route template: an id in a path makes no series of its own.
      await platform.get('/v1/customers/cus_nobody');
      const metrics = (await platform.get('/metrics')).body as string;
      expect(metrics).toMatch(/^cdp_http_requests_total\{method="POST",route="\/v1\/touchpoints",status="400"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^cdp_http_request_duration_seconds_count\{method="POST",route="\/v1\/touchpoints",status="400"\} [1-9]\d*$/m);
      expect(metrics).not.toContain('cus_nobody');
    });

    it('treats a re-sent event id as a no-op that answers 202, and counts it on /metrics', async () => {
      const duplicatesSoFar = async () => Number(/^cdp_ingest_duplicates_total (\d+)$/m.exec((await platform.get('/metrics')).body)?.[1]);
      const touchpoint = { ...touchpointExamples.visit, eventId: randomUUID() };
      const first = await platform.post('/v1/touchpoints', touchpoint);
      const before = await duplicatesSoFar();
      expect(before).toBeGreaterThanOrEqual(0);
      const again = await platform.post('/v1/touchpoints', touchpoint);

      expect(again.status).toBe(202);
      expect(again.body.touchpoints[0]).toEqual({ ...first.body.touchpoints[0], duplicate: true });
      expect(await options.readBack(platform, [touchpoint.eventId])).toHaveLength(1);
      expect(await duplicatesSoFar()).toBe(before + 1);
      // Every code of the Kafka intake's refusals has its series from the start, so that increase() sees the first refusal.
      const metrics = (await platform.get('/metrics')).body as string;
      for (const code of ['UNKNOWN_SCHEMA_ID', 'UNDECODABLE', 'INVALID_TOUCHPOINT']) expect(metrics).toMatch(new RegExp(`^cdp_kafka_intake_dead_lettered_total\\{code="${code}"\\} \\d+$`, 'm'));
    });

    it('converts a money amount sent as a JSON number exactly', async () => {
      const eventId = randomUUID();
      const body = JSON.stringify({ ...touchpointExamples.purchase, eventId }).replace('"amount":"300000"', '"amount":123456789012345.10');
      expect((await platform.post('/v1/touchpoints', body)).status).toBe(202);

      const [stored] = await options.readBack(platform, [eventId]);
      expect(stored.payload.amount).toBe('123456789012345.10');
    });

    it('answers 415 to a body that is not JSON, and 400 to malformed JSON', async () => {
      expect((await platform.post('/v1/touchpoints', 'type=purchase', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
      const malformed = await platform.post('/v1/touchpoints', '{"type": "purchase",');
      expect(malformed).toMatchObject({ status: 400, body: { error: 'HTTP.MALFORMED_JSON' } });
    });

    it('takes touchpoints at the path in any case and with a trailing slash, as the router does, and answers an empty body with a clear 400', async () => {
      for (const path of ['/v1/touchpoints/', '/V1/Touchpoints']) {
        const batch = withIds().slice(0, 1);
        expect(await platform.post(path, { touchpoints: batch })).toMatchObject({ status: 202, body: { touchpoints: [{ eventId: batch[0].eventId, duplicate: false }] } });
      }
      expect(await platform.post('/V1/touchpoints?limt=1', { touchpoints: withIds().slice(0, 1) })).toMatchObject({ status: 400, body: { error: 'HTTP.INVALID_REQUEST', errors: [{ path: 'limt' }] } });
      for (const body of ['', '  ']) {
        expect(await platform.post('/v1/touchpoints', body)).toMatchObject({ status: 400, body: { error: 'HTTP.INVALID_REQUEST', message: 'the body is empty: send one touchpoint, or { "touchpoints": [...] }, as JSON' } });
      }
    });

    it('answers a body it cannot decode with 415 or 400, never 500, and refuses bytes that are not UTF-8 rather than store U+FFFD', async () => {
      const eventId = randomUUID();
      const json = JSON.stringify({ ...touchpointExamples.visit, eventId, traits: { name: 'NAME' } });
      const send = async (body: string | Buffer, headers: Record<string, string>) => {
        const response = await fetch(`${platform.url}/v1/touchpoints`, { method: 'POST', headers, body });
        return { status: response.status, body: await response.json() };
      };
      expect(await send(json, { 'content-type': 'application/json; charset=klingon' })).toMatchObject({ status: 415, body: { error: 'HTTP.UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('klingon') } });
      expect(await send(json, { 'content-type': 'application/json', 'content-encoding': 'compress' })).toMatchObject({ status: 415, body: { error: 'HTTP.UNSUPPORTED_MEDIA_TYPE' } });
      expect(await send(json, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).toMatchObject({ status: 400, body: { error: 'HTTP.UNREADABLE_BODY' } });
      const [before, after] = json.split('NAME');
      const notUtf8 = Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]);
      expect(await send(notUtf8, { 'content-type': 'application/json' })).toMatchObject({ status: 400, body: { error: 'HTTP.UNREADABLE_BODY', message: expect.stringContaining('not valid UTF-8') } });
      expect(await options.readBack(platform, [eventId])).toEqual([]);
      const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
      expect(await send(deep, { 'content-type': 'application/json' })).toMatchObject({ status: 400, body: { error: 'HTTP.MALFORMED_JSON', message: expect.stringContaining('too deeply') } });
    });

    it('refuses a batch that is not a list, or that has fields besides touchpoints, locating the field', async () => {
      const touchpoint = { ...touchpointExamples.visit, eventId: randomUUID() };
      expect(await platform.post('/v1/touchpoints', { touchpoints: touchpoint })).toMatchObject({
        status: 400,
        body: { error: 'HTTP.INVALID_REQUEST', errors: [{ path: 'touchpoints', message: 'must be a list of touchpoints' }] },
      });
      expect(await platform.post('/v1/touchpoints', { touchpoints: [touchpoint], source: 'pos' })).toMatchObject({
        status: 400,
        body: { error: 'HTTP.INVALID_REQUEST', errors: [{ path: 'source', message: 'is not a field of this request; its fields are touchpoints' }] },
      });
      // A bare list, and another API's batch (Segment's), are told how a batch is sent.
      expect(await platform.post('/v1/touchpoints', [touchpoint])).toMatchObject({
        status: 400,
        body: { error: 'HTTP.INVALID_REQUEST', errors: [{ path: '(root)', message: 'is a list: send a batch as { "touchpoints": [...] }' }] },
      });
      expect(await platform.post('/v1/touchpoints', { batch: [touchpoint] })).toMatchObject({
        status: 400,
        body: { error: 'HTTP.INVALID_REQUEST', errors: [{ path: 'batch', message: 'is no field of a touchpoint: send a batch as { "touchpoints": [...] }' }] },
      });
      expect(await options.readBack(platform, [touchpoint.eventId])).toEqual([]);
    });

    it('answers a route it does not serve in its own error shape', async () => {
      expect(await platform.get('/v1/touchpoint')).toMatchObject({ status: 404, body: { error: 'HTTP.NOT_FOUND', message: 'Cannot GET /v1/touchpoint' } });
    });

    it('serves the schema registry as Confluent clients read it, version -1 as latest', async () => {
      const subjects: string[] = (await platform.get('/registry/subjects')).body;
      expect(subjects.length).toBeGreaterThan(0);
      const latest = await platform.get(`/registry/subjects/${subjects[0]}/versions/latest`);
      expect(latest).toMatchObject({ status: 200, body: { subject: subjects[0], id: expect.any(Number) } });
      expect((await platform.get(`/registry/subjects/${subjects[0]}/versions/-1`)).body).toEqual(latest.body);
    });

    it("answers a serializer's lookup, registration and compatibility check as a read-only Confluent registry, in its error shape", async () => {
      const subject = 'cdp.touchpoints.v1-cdp.touchpoints.Purchase';
      const asRegistry = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
      const { body: latest } = await platform.get(`/registry/subjects/${subject}/versions/latest`);
      const schema = JSON.parse(latest.schema);
      const withPayloadField = (field: object) => {
        const payload = schema.fields.find((f: { name: string }) => f.name === 'payload');
        const fields = schema.fields.map((f: { name: string }) => (f === payload ? { ...payload, type: { ...payload.type, fields: [...payload.type.fields, field] } } : f));
        return JSON.stringify({ ...schema, fields });
      };

      expect(await platform.post(`/registry/subjects/${subject}`, { schema: latest.schema }, asRegistry)).toMatchObject({ status: 200, body: latest });
      expect(await platform.post(`/registry/subjects/${subject}/versions`, { schema: latest.schema }, asRegistry)).toMatchObject({ status: 200, body: { id: latest.id } });
      const unpublished = withPayloadField({ name: 'giftWrap', type: 'boolean', default: false });
      expect(await platform.post(`/registry/subjects/${subject}`, { schema: unpublished }, asRegistry)).toMatchObject({ status: 404, body: { error_code: 40403 } });
      expect(await platform.post(`/registry/subjects/${subject}/versions`, { schema: unpublished }, asRegistry)).toMatchObject({ status: 422, body: { error_code: 42205, message: expect.stringContaining('read-only') } });

      const check = (candidate: string) => platform.post(`/registry/compatibility/subjects/${subject}/versions/latest?verbose=true`, { schema: candidate }, asRegistry);
      expect(await check(unpublished)).toMatchObject({ status: 200, body: { is_compatible: true, messages: [] } });
      expect(await platform.post(`/registry/compatibility/subjects/${subject}/versions`, { schema: unpublished }, asRegistry)).toMatchObject({ status: 200, body: { is_compatible: true } });
      expect(await check(withPayloadField({ name: 'giftWrap', type: 'boolean' }))).toMatchObject({
        status: 200,
        body: { is_compatible: false, messages: [expect.stringContaining('payload.giftWrap: new field without a default')] },
      });

      expect(await platform.get(`/registry/config/${subject}`)).toMatchObject({ status: 200, body: { compatibilityLevel: 'BACKWARD' } });
      expect(await platform.get('/registry/config/nope')).toMatchObject({ status: 404, body: { error_code: 40401 } });
      expect(await platform.post(`/registry/subjects/${subject}`, { schema: '{"type":' }, asRegistry)).toMatchObject({ status: 422, body: { error_code: 42201 } });
      expect(await platform.post(`/registry/subjects/${subject}`, '{"schema":', asRegistry)).toMatchObject({ status: 400, body: { error_code: 400 } });
      expect(await platform.get('/registry/mode')).toMatchObject({ status: 404, body: { error_code: 404 } });
    });

    it('serves /health and the OpenAPI document at /docs', async () => {
      expect(await platform.get('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
      const { body: openApi } = await platform.get('/docs-json');
      expect(openApi.paths).toHaveProperty(['/v1/touchpoints']);
      expect(openApi.paths['/v1/touchpoints'].post.responses.default.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PlatformError' });
      expect(openApi.components.schemas.PlatformError.required).toEqual(['error', 'message']);
    });
  });

  describe(`the body size limit (${mode})`, () => {
    it('answers 413 over CDP_MAX_BODY_BYTES and appends nothing', async () => {
      const small = await options.start({ CDP_MAX_BODY_BYTES: '2048' });
      try {
        const batch = Array.from({ length: 20 }, () => ({ ...touchpointExamples.purchase, eventId: randomUUID() }));
        const response = await small.post('/v1/touchpoints', { touchpoints: batch });
        expect(response).toMatchObject({ status: 413, body: { error: 'HTTP.PAYLOAD_TOO_LARGE' } });
        expect(await options.readBack(small, batch.map((t) => t.eventId))).toEqual([]);
      } finally {
        await small.close();
      }
    });
  });
}
