import { Controller, DefaultValuePipe, Get, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerQueries } from '@cdp/customer-projection';

@ApiTags('operations')
@Controller('v1/admin/identity-conflicts')
export class IdentityConflictsController {
  constructor(private readonly customers: CustomerQueries) {}

  @Get()
  @ApiOperation({ summary: 'Merges and identifier links the identity guardrails refused, newest first' })
  async list(@Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number) {
    return { conflicts: await this.customers.identityConflicts(Math.min(Math.max(limit, 1), 1000)) };
  }
}
