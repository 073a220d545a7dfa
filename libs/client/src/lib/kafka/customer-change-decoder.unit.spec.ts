import { Type } from 'avsc';
import type { CustomerChange } from '@cdp/feed';
import { CustomerFeedError } from '../customer-subscription';
import { customerChangeDecoder } from './customer-change-decoder';
import { confluentMessage, fakeRegistry, REGISTRY_URL, segmentChange } from './customer-change.fixture';

describe('customerChangeDecoder', () => {
  it('decodes Confluent-framed Avro into the change, with the schema of the id from the registry', async () => {
    const fetch = fakeRegistry();
    const decode = customerChangeDecoder({ url: REGISTRY_URL, fetch, headers: { authorization: 'Basic a2V5OnNlY3JldA==' } });

    const forgotten: CustomerChange = { ...segmentChange, type: 'CustomerForgotten', version: 8, segment: null, state: null };
    await expect(decode(confluentMessage(segmentChange))).resolves.toEqual(segmentChange);
    await expect(decode(confluentMessage(forgotten))).resolves.toEqual(forgotten);

    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://registry.test:8081/schemas/ids/42');
    expect(init.headers).toMatchObject({ authorization: 'Basic a2V5OnNlY3JldA==' });
  });

  it('refuses a value that is not in the Confluent wire format', async () => {
    const decode = customerChangeDecoder({ url: REGISTRY_URL, fetch: fakeRegistry() });
    const notFramed = Buffer.from(JSON.stringify(segmentChange));
    await expect(decode(notFramed)).rejects.toEqual(expect.any(CustomerFeedError));
    await expect(decode(notFramed)).rejects.toMatchObject({ code: 'FEED.INVALID_MESSAGE' });
  });

  it('fails as an invalid message for a schema id the registry does not hold, or bytes its schema does not read, and asks again for the next message', async () => {
    const fetch = fakeRegistry();
    const decode = customerChangeDecoder({ url: REGISTRY_URL, fetch });
    const unknownId = confluentMessage(segmentChange, 99);
    // Until the registry has served a schema, it may be the wrong registry: its 404 is a failure, retried.
    await expect(decode(unknownId)).rejects.toMatchObject({ status: 404 });
    await decode(confluentMessage(segmentChange));

    const failure = await decode(unknownId).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CustomerFeedError);
    expect(failure).toMatchObject({ code: 'FEED.INVALID_MESSAGE', message: 'schema id 99 is not in the registry' });
    await decode(unknownId).catch(() => undefined);
    expect(fetch).toHaveBeenCalledTimes(4);
    const cut = confluentMessage(segmentChange).subarray(0, 12);
    await expect(decode(cut)).rejects.toMatchObject({ code: 'FEED.INVALID_MESSAGE', message: expect.stringMatching(/^the message does not decode with schema id \d+/) });
  });
  it('fails as an invalid message for a value of another record than a change, naming it', async () => {
    const state = { type: 'record', name: 'CustomerState', namespace: 'cdp.feed', fields: [{ name: 'customerId', type: 'string' }] };
    const fetch = jest.fn(async () => new Response(JSON.stringify({ schema: JSON.stringify(state) }), { status: 200 }));
    const decode = customerChangeDecoder({ url: REGISTRY_URL, fetch: fetch as unknown as typeof globalThis.fetch });
    const value = Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), Type.forSchema(state as never).toBuffer({ customerId: 'cus_1' })]);
    await expect(decode(value)).rejects.toMatchObject({ code: 'FEED.INVALID_MESSAGE', message: "schema id 7 is cdp.feed.CustomerState, not a CustomerChange: a message of another topic than the feed's events" });
  });
});
