import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { currentRfmOf, latestRun, segmentCounts } from '@cdp/analytics';
import { CustomerQueries } from '@cdp/customer-projection';
import { ApiErrors, requestBodyOf, SQL } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { CustomerNotFoundError } from '../customers/customer.errors';
import { CustomerNotScoredError, NoRfmRunYetError } from './rfm.errors';
import { RfmService } from './rfm.service';
import { CUSTOMER_RFM, RFM_RUN, RFM_SEGMENTS } from './rfm-views.openapi';

@ApiTags('segments')
@Controller('v1')
export class RfmController {
  constructor(
    private readonly rfm: RfmService,
    private readonly customers: CustomerQueries,
    @Inject(SQL) private readonly sql: SqlClient,
  ) {}

  @Get('segments/rfm')
  @ApiOperation({ summary: 'Customers per RFM segment, as of the latest run' })
  @ApiOkResponse({ schema: RFM_SEGMENTS })
  @ApiErrors({ 404: 'RFM.NO_RUN_YET: no run has become current yet' })
  async segments() {
    const run = await latestRun(this.sql);
    if (!run) throw new NoRfmRunYetError();
    return { asOf: run.asOf, windowDays: run.windowDays, currency: run.currency, runId: run.runId, customers: run.customers, segments: await segmentCounts(this.sql) };
  }

  @Post('segments/rfm/runs')
  @HttpCode(200)
  @ApiOperation({ summary: 'Runs RFM now, after the projections have caught up with every touchpoint accepted so far; answers when done' })
  @ApiOkResponse({ schema: RFM_RUN })
  @ApiErrors({
    400: 'RFM.INVALID_PARAMETERS or HTTP.INVALID_REQUEST: asOf or windowDays is not one a run takes, or the body holds another field',
    503: 'RFM.PROJECTIONS_BEHIND, RFM.ANALYTICS_UNAVAILABLE, RFM.STOPPED (each with Retry-After), RFM.ANALYTICS_DATA_MISSING, DATABASE.DISK_FULL: nothing was recorded',
  })
  @ApiBody({
    required: false,
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        asOf: { type: 'string', format: 'date-time', description: 'the instant scored as of; default now' },
        windowDays: { description: 'the days of purchases scored, or "all"; default 365', oneOf: [{ type: 'integer', minimum: 1, maximum: 36_500 }, { type: 'string', enum: ['all'] }] },
      },
      example: { asOf: '2026-11-23T00:00:00Z', windowDays: 365 },
    },
  })
  run(@Body() body: unknown) {
    const { asOf, windowDays } = requestBodyOf(body, ['asOf', 'windowDays']);
    return this.rfm.run({ asOf, windowDays });
  }

  @Get('customers/:id/rfm')
  @ApiOperation({ summary: "The customer's recency, frequency, monetary, scores and segment, as of the latest run (a merged id answers for its survivor)" })
  @ApiOkResponse({ schema: CUSTOMER_RFM })
  @ApiErrors({ 404: 'CUSTOMER.NOT_FOUND; RFM.NOT_SCORED: no purchase of the customer at or before the run; RFM.NO_RUN_YET' })
  async customer(@Param('id') id: string) {
    const profile = await this.customers.profile(id);
    if (!profile) throw new CustomerNotFoundError(`with id ${id}`);
    const scores = await currentRfmOf(this.sql, profile.customerId);
    if (!scores) throw new CustomerNotScoredError(profile.customerId);
    return scores;
  }
}
