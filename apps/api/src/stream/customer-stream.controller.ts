import { Controller, Get, Headers, Inject, Logger, Query, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { changeIdAt, isChangeId, prunedAfter } from '@cdp/customer-feed';
import type { PostgresEventLog } from '@cdp/event-log-postgres';
import { CUSTOMER_CHANGE_TYPES, parseFeedSubscription } from '@cdp/feed';
import { ApiErrors, CUSTOMER_FEED_LOG, SETTINGS, SQL, type Settings } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { CustomerStreamMetrics } from './customer-stream.metrics';
import { feedTail, type FeedTail } from './feed-tail';
import { streamCustomerChanges } from './stream-customer-changes';

export class TooManySubscribersError extends Error {
  readonly code = 'FEED.TOO_MANY_SUBSCRIBERS';

  constructor(max: number) {
    super(`this process already serves ${max} subscribers (CDP_FEED_MAX_SUBSCRIBERS): subscribe again later, or to another process of the platform; an operator may raise the limit with the process's open files (ulimit -n)`);
  }
}

/** The latest changes the shared reader keeps, for subscribers that catch up a little behind it. */
const TAIL_KEEPS = 2_000;
const TAIL_BATCH = 500;
const TAIL_IDLE_MS = 30_000;

@ApiTags('change feed')
@Controller('v1/stream')
export class CustomerStreamController implements BeforeApplicationShutdown {
  private readonly logger = new Logger('customer-stream');
  private readonly open = new Set<Response>();
  private readonly tail: FeedTail;

  constructor(
    @Inject(CUSTOMER_FEED_LOG) private readonly feedLog: PostgresEventLog,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(SQL) private readonly sql: SqlClient,
    private readonly metrics: CustomerStreamMetrics,
  ) {
    this.tail = feedTail(feedLog, {
      keep: TAIL_KEEPS,
      maxBatchSize: TAIL_BATCH,
      idleMs: TAIL_IDLE_MS,
      onError: (error) => this.logger.warn(`the shared reader of the feed failed, and tries again: ${(error as Error).message}`),
    });
  }

  @Get('customers')
  @ApiErrors({ 400: 'FEED.INVALID_SUBSCRIPTION: a filter or Last-Event-ID the feed does not take, located', 503: 'FEED.TOO_MANY_SUBSCRIBERS: the process serves its most subscribers (Retry-After)' })
  @ApiOperation({ summary: 'Server-sent events of customer changes, resumable with Last-Event-ID (see docs/subscribing.md)' })
  @ApiOkResponse({
    description: 'A stream of server-sent events: each change as `event: <type>`, `id:` and its JSON in `data:`; heartbeats as comments (docs/subscribing.md)',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiQuery({ name: 'types', required: false, schema: { type: 'string' }, description: `Comma-separated change types among ${CUSTOMER_CHANGE_TYPES.join(', ')}` })
  @ApiQuery({ name: 'segment', required: false, schema: { type: 'string' }, description: 'Only customers in this RFM segment after the change, and the changes that take one out of it (a move away, a merge, an erasure)' })
  @ApiQuery({ name: 'from', required: false, enum: ['start', 'now'], description: 'Where to begin without Last-Event-ID; default now' })
  @ApiQuery({ name: 'lastEventId', required: false, schema: { type: 'string' }, description: 'The Last-Event-ID header, for clients that cannot set headers' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event' })
  async customers(
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const subscription = parseFeedSubscription(query, lastEventId, [...new Set(Object.values(this.settings.rfm.grid).flat())]);
    // Each stream holds a file descriptor: past the limit, the process would refuse its other work too, /health included.
    if (this.open.size >= this.settings.feed.maxSubscribers) {
      // The refused subscriber's connection goes too: its socket would hold the file descriptor the limit is for.
      response.setHeader('Connection', 'close');
      throw new TooManySubscribersError(this.settings.feed.maxSubscribers);
    }
    this.open.add(response);
    response.on('close', () => this.open.delete(response));
    const { heartbeatSeconds, slowConsumerSeconds } = this.settings.feed;
    await streamCustomerChanges({
      feedLog: this.feedLog,
      tail: this.tail,
      prunedAfter: (offset) => prunedAfter(this.sql, offset),
      isChangeId: (offset, check) => isChangeId(this.sql, offset, check),
      changeIdAt: (offset) => changeIdAt(this.sql, offset),
      subscription,
      request,
      response,
      heartbeatMs: heartbeatSeconds * 1000,
      slowConsumerMs: slowConsumerSeconds * 1000,
      onSlowConsumer: (reason) => {
        this.metrics.slowConsumerDisconnected();
        this.logger.warn(`disconnected a subscriber: ${reason}`);
      },
      onOpen: () => this.metrics.subscriberOpened(),
      onClose: () => this.metrics.subscriberClosed(),
      onError: (error) => this.logger.warn(`a subscriber's stream failed: ${(error as Error).message}`),
    });
  }

  /** Streams never end by themselves: the server could not close while one is open. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const response of this.open) response.end();
    await this.tail.close();
  }
}
