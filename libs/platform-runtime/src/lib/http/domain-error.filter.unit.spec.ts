import { Logger, type ArgumentsHost } from '@nestjs/common';
import { DomainErrorFilter } from './domain-error.filter';

/** What the filter answered: status, headers and body. */
function answer(error: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const response = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
    },
    json(body: unknown) {
      sent.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new DomainErrorFilter().catch(error, host);
  return sent;
}

describe('DomainErrorFilter', () => {
  it('answers touchpoints another request is appending with 503 and when to retry, not a 500', () => {
    const inProgress = Object.assign(new Error('events e-1 are being appended by another request; retry shortly'), { code: 'EVENT_LOG.APPEND_IN_PROGRESS' });
    expect(answer(inProgress)).toEqual({
      status: 503,
      headers: { 'Retry-After': '5' },
      body: { error: 'EVENT_LOG.APPEND_IN_PROGRESS', message: 'events e-1 are being appended by another request; retry shortly' },
    });
  });

  it("answers a Kafka topic an operator set against the platform's guarantees with 503 and the setting to mend, not a 500 that hid it in the log", () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const wrong = Object.assign(new Error('Kafka topic cdp.customer-profiles.v1 has cleanup.policy=delete where the platform needs compact: …'), { code: 'KAFKA.TOPIC_SETTINGS' });
    expect(answer(wrong)).toEqual({ status: 503, headers: { 'Retry-After': '60' }, body: { error: 'KAFKA.TOPIC_SETTINGS', message: wrong.message } });
    jest.restoreAllMocks();
  });

  it('answers a redemption that waits for loyalty to merge accounts identity merged with 503 and a second to wait', () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(answer(Object.assign(new Error('pending'), { code: 'LOYALTY.MERGE_PENDING' }))).toMatchObject({ status: 503, headers: { 'Retry-After': '1' } });
    jest.restoreAllMocks();
  });

  it("tells when to ask again for an RFM run the projections, ClickHouse or a stop held up, and not for one a missing table failed", () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const retryAfter = (code: string) => answer(Object.assign(new Error(code), { code })).headers['Retry-After'];
    expect(['RFM.PROJECTIONS_BEHIND', 'RFM.ANALYTICS_UNAVAILABLE', 'RFM.STOPPED', 'RFM.ANALYTICS_DATA_MISSING'].map(retryAfter)).toEqual(['30', '5', '5', undefined]);
    jest.restoreAllMocks();
  });

  it("answers a write its database's full disk refused with 503 DATABASE.DISK_FULL and when to retry, not a 500, and the data folder's own refusal alike", () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const noSpace = Object.assign(new Error('could not extend file "base/5/16504": No space left on device'), { code: '53100' });
    expect(answer(noSpace)).toEqual({
      status: 503,
      headers: { 'Retry-After': '60' },
      body: { error: 'DATABASE.DISK_FULL', message: "the database's disk is full: send the request again once its operator has freed space (touchpoints with the same event ids: what was kept is answered as a duplicate)" },
    });
    expect(answer(Object.assign(new Error('the disk of the data folder …'), { code: 'DATABASE.DISK_FULL' }))).toMatchObject({ status: 503, headers: { 'Retry-After': '60' } });
    jest.restoreAllMocks();
  });

  it('logs an outage it answers once a minute, counting the answers in between, not once a request', () => {
    const warned: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message) => void warned.push(String(message)));
    const filter = new DomainErrorFilter();
    const response = { status: () => response, setHeader: () => undefined, json: () => undefined };
    const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
    const outage = () => Object.assign(new Error('the log is away'), { code: 'EVENT_LOG.UNAVAILABLE' });
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    for (let i = 0; i < 5; i++) filter.catch(outage(), host);
    now += 61_000;
    filter.catch(outage(), host);
    jest.restoreAllMocks();
    expect(warned).toEqual(['EVENT_LOG.UNAVAILABLE: the log is away', 'EVENT_LOG.UNAVAILABLE: the log is away; 4 more answered so in the minute before']);
  });

  it('answers a code it knows with its status, and anything else with a logged 500', () => {
    expect(answer(Object.assign(new Error('no such customer'), { code: 'CUSTOMER.NOT_FOUND' }))).toMatchObject({ status: 404, headers: {} });
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(answer(new Error('boom'))).toMatchObject({ status: 500, body: { error: 'INTERNAL' } });
    jest.restoreAllMocks();
  });

  it('answers a request whose database connection went with 503 and when to retry, not a 500, and keeps the cause out of the answer', () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const typeorm = Object.assign(new Error('Query failed'), { name: 'QueryFailedError', driverError: new Error('Connection terminated unexpectedly') });
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.3.7:5432'), { code: 'ECONNREFUSED' });
    for (const error of [terminated, typeorm, refused]) {
      expect(answer(error)).toEqual({
        status: 503,
        headers: { 'Retry-After': '5' },
        body: { error: 'DATABASE.UNAVAILABLE', message: 'the database did not answer; retry in a few seconds' },
      });
    }
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    // A refusal of the statement, a protocol violation (too many parameters: a bug), and a code of ours whose cause lost its connection.
    const refusal = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    const protocol = Object.assign(new Error('bind message has 70000 parameter formats but 0 parameters'), { code: '08P01' });
    const ours = Object.assign(new Error('the projection lost its partitions'), { code: 'PROJECTIONS.OWNERSHIP_LOST', cause: terminated });
    for (const error of [refusal, protocol, ours]) expect(answer(error)).toMatchObject({ status: 500, body: { error: 'INTERNAL' } });
    jest.restoreAllMocks();
  });
});
