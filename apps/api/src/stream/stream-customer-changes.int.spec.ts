import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import type { PostgresEventLog } from '@cdp/event-log-postgres';
import type { FeedTail } from './feed-tail';
import { streamCustomerChanges } from './stream-customer-changes';

/** A subscriber that hangs up while the stream still reads where it starts: over real sockets. */
describe('streamCustomerChanges, for a subscriber gone before its stream starts', () => {
  let server: Server;
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('neither counts it nor follows the feed for it (no heartbeat, no place in the shared tail)', async () => {
    let startRead!: () => void;
    const headRead = new Promise<void>((resolve) => (startRead = resolve));
    let reachedStart!: () => void;
    const waitingForStart = new Promise<void>((resolve) => (reachedStart = resolve));
    const opened: string[] = [];
    const joined: string[] = [];
    let streamed!: Promise<void>;
    const responseClosed = new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        res.on('close', () => resolve());
        streamed = streamCustomerChanges({
          // The start is read only once the subscriber has gone.
          feedLog: { headCheckpoint: () => (reachedStart(), headRead.then(() => ({ all: '1' }))) } as unknown as PostgresEventLog,
          tail: { join: async () => (joined.push('joined'), undefined), covers: () => true } as unknown as FeedTail,
          prunedAfter: async () => undefined,
          isChangeId: async () => true,
          changeIdAt: async (offset) => offset,
          subscription: { from: 'now', types: null, segment: null },
          request: req as unknown as Request,
          response: res as unknown as Response,
          heartbeatMs: 10,
          slowConsumerMs: 1_000,
          onSlowConsumer: () => undefined,
          onOpen: () => opened.push('open'),
          onClose: () => opened.push('close'),
          onError: (error) => opened.push(`error ${String(error)}`),
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', path: '/v1/stream/customers?from=now' });
    client.on('error', () => undefined);
    client.end();
    // The request has reached the handler once the stream waits for its start; then the subscriber hangs up.
    await waitingForStart;
    client.destroy();
    await responseClosed;
    startRead();
    await streamed;
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(opened).toEqual([]);
    expect(joined).toEqual([]);
  });
});
