import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerQueries, type ConflictPosition } from '@cdp/customer-projection';
import { ApiLimitQuery, ApiPageCursorQuery, LimitPipe, nextPageCursor, PageCursorPipe } from '@cdp/platform-runtime';
import { IDENTITY_CONFLICTS } from './customer-views.openapi';

@ApiTags('operations')
@Controller('v1/admin/identity-conflicts')
export class IdentityConflictsController {
  constructor(private readonly customers: CustomerQueries) {}

  @Get()
  @ApiOperation({ summary: 'Merges and identifier links the identity guardrails refused, newest first; the next page with before=<next>' })
  @ApiLimitQuery(100)
  @ApiPageCursorQuery()
  @ApiOkResponse({ schema: IDENTITY_CONFLICTS })
  async list(@Query('limit', new LimitPipe(100)) limit: number, @Query('before', new PageCursorPipe(['string', 'string', 'string'])) before?: ConflictPosition) {
    const { items, next } = await this.customers.identityConflicts(limit, before);
    return { conflicts: items, next: nextPageCursor(next) };
  }
}
