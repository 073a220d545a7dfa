import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerQueries } from '@cdp/customer-projection';
import { LimitPipe } from '@cdp/platform-runtime';

@ApiTags('operations')
@Controller('v1/admin/identity-conflicts')
export class IdentityConflictsController {
  constructor(private readonly customers: CustomerQueries) {}

  @Get()
  @ApiOperation({ summary: 'Merges and identifier links the identity guardrails refused, newest first' })
  async list(@Query('limit', new LimitPipe(100)) limit: number) {
    return { conflicts: await this.customers.identityConflicts(limit) };
  }
}
