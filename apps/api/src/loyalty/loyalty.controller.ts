import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CustomerQueries } from '@cdp/customer-projection';
import { availablePoints, redemptionOf } from '@cdp/loyalty';
import { LoyaltyAccounts, LoyaltyQueries, type LedgerPosition } from '@cdp/loyalty-accounts';
import { ApiErrors, assertDataFolderHasRoom, CLOCK, ApiLimitQuery, ApiPageCursorQuery, LimitPipe, nextPageCursor, PageCursorPipe, requestBodyOf, SETTINGS, type Clock, type Settings } from '@cdp/platform-runtime';
import { CustomerNotFoundError } from '../customers/customer.errors';
import { LOYALTY_BALANCE, LOYALTY_LEDGER, REDEMPTION } from './loyalty-views.openapi';

@ApiTags('loyalty')
@Controller('v1/customers/:id/loyalty')
export class LoyaltyController {
  constructor(
    private readonly customers: CustomerQueries,
    private readonly accounts: LoyaltyAccounts,
    private readonly queries: LoyaltyQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Available points, points expiring in the next 30 days, tier and progress, lifetime totals (a merged id answers for its survivor)' })
  @ApiOkResponse({ schema: LOYALTY_BALANCE })
  @ApiErrors({ 404: 'CUSTOMER.NOT_FOUND', 503: 'DATABASE.UNAVAILABLE: the database did not answer; retry after Retry-After' })
  async balance(@Param('id') id: string) {
    const customerId = await this.survivorOf(id);
    const { program } = this.settings.loyalty;
    return { customerId, currency: program.currency, ...(await this.queries.balance(customerId, program, this.clock.now())) };
  }

  @Get('ledger')
  @ApiOperation({ summary: 'Every change to the balance, newest first, each with the event that caused it; the next page with before=<next>' })
  @ApiLimitQuery(100)
  @ApiPageCursorQuery()
  @ApiOkResponse({ schema: LOYALTY_LEDGER })
  @ApiErrors({ 400: 'HTTP.INVALID_REQUEST: limit or before is not one the list takes', 404: 'CUSTOMER.NOT_FOUND', 503: 'DATABASE.UNAVAILABLE: the database did not answer; retry after Retry-After' })
  async ledger(@Param('id') id: string, @Query('limit', new LimitPipe(100)) limit: number, @Query('before', new PageCursorPipe(['string', 'string', 'int32'])) before?: LedgerPosition) {
    const customerId = await this.survivorOf(id);
    const { items, next } = await this.queries.ledger(customerId, limit, before);
    return { customerId, entries: items, next: nextPageCursor(next) };
  }

  @Post('redemptions')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Spends points, oldest lots first. 201 with the lots consumed; 409 with the available balance when it does not cover them; the same idempotencyKey again answers the first 201 and spends nothing',
  })
  @ApiCreatedResponse({ schema: REDEMPTION })
  @ApiErrors({
    400: 'LOYALTY.INVALID_REDEMPTION or HTTP.INVALID_REQUEST: points, idempotencyKey or reason is not one a redemption takes, located',
    404: 'CUSTOMER.NOT_FOUND',
    409: 'LOYALTY.INSUFFICIENT_POINTS: the available balance does not cover the points; the body adds available and requested. EVENT_LOG.EXPECTED_VERSION_CONFLICT: the account changed under the request more often than it retries; send it again (same key)',
    422: 'LOYALTY.IDEMPOTENCY_KEY_REUSED: the key was used for another redemption of this customer',
    503: 'DATABASE.UNAVAILABLE: the database did not answer; retry after Retry-After; DATABASE.DISK_FULL: no room left to write (Retry-After); LOYALTY.MERGE_PENDING: the customer was just merged and loyalty has not merged the accounts yet: nothing was redeemed, send the same request again (Retry-After)',
  })
  @ApiBody({ schema: { example: { points: 500, idempotencyKey: 'pos-12-receipt-8841', reason: 'free coffee' } } })
  async redeem(@Param('id') id: string, @Body() raw: unknown) {
    const body = requestBodyOf(raw, ['points', 'idempotencyKey', 'reason']);
    if (this.settings.mode === 'embedded') assertDataFolderHasRoom(this.settings.dataDir);
    const profile = await this.profileOf(id);
    const customerId = profile.customerId;
    await this.accounts.whenMergedIn(customerId, profile.mergedFrom, { unpublishedMerges: (ids) => this.customers.mergesAwaitingPublication(ids) });
    const idempotencyKey = body.idempotencyKey;
    const requestedAt = this.clock.now().toISOString();
    const decision = await this.accounts.execute({
      type: 'RedeemPoints',
      data: {
        customerId,
        redemptionId: randomUUID(),
        idempotencyKey: idempotencyKey as string,
        points: body.points as number,
        reason: (body.reason ?? '') as string,
        requestedAt,
        ...(id === customerId ? {} : { requestedFor: id }),
      },
    });
    const { owner: _owner, madeFor: _madeFor, ...redemption } = redemptionOf(decision.state, idempotencyKey as string, id)!;
    return { customerId: decision.customerId, ...redemption, available: availablePoints(decision.state, requestedAt) };
  }

  private async survivorOf(id: string): Promise<string> {
    return (await this.profileOf(id)).customerId;
  }

  private async profileOf(id: string) {
    const profile = await this.customers.profile(id);
    if (!profile) throw new CustomerNotFoundError(`with id ${id}`);
    return profile;
  }
}
