import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerQueries } from '@cdp/customer-projection';
import { LimitPipe } from '@cdp/platform-runtime';
import { IDENTITY_CONFLICTS } from './customer-views.openapi';

@ApiTags('operations')
@Controller('v1/admin/identity-conflicts')
export class IdentityConflictsController {
  constructor(private readonly customers: CustomerQueries) {}

  @Get()
  @ApiOperation({ summary: 'Merges and identifier links the identity guardrails refused, newest first' })
  @ApiOkResponse({ schema: IDENTITY_CONFLICTS })
  async list(@Query('limit', new LimitPipe(100)) limit: number) {
    return { conflicts: await this.customers.identityConflicts(limit) };
  }
}
