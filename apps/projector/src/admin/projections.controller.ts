import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HttpRequestError, requestBodyOf } from '@cdp/platform-runtime';
import { ProjectionsService } from '../projections/projections.service';
import { RebuildProjection } from './rebuild-projection.command';
import { RetryDeadLetters } from './retry-dead-letters.command';

@ApiTags('operations')
@Controller('v1/admin')
export class ProjectionsAdminController {
  constructor(
    private readonly projections: ProjectionsService,
    private readonly commands: CommandBus,
  ) {}

  @Get('projections')
  @ApiOperation({ summary: 'Each projection: checkpoint, events processed, lag, dead letters, state' })
  async list() {
    return { projections: await this.projections.status() };
  }

  @Post('projections/:name/rebuilds')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild a projection aside from the log, then swap it in; follow it at .../rebuilds/{rebuildId}' })
  rebuild(@Param('name') name: string, @Body() raw: unknown) {
    // A field it does not take (a "dryRun") must not start a real rebuild.
    requestBodyOf(raw, []);
    return this.commands.execute(new RebuildProjection(name));
  }

  @Get('projections/:name/rebuilds/:rebuildId')
  rebuildProgress(@Param('name') name: string, @Param('rebuildId') rebuildId: string) {
    return this.projections.rebuild(name, rebuildId);
  }

  @Get('dead-letters')
  @ApiOperation({ summary: 'Events a projection could not apply, and the events held back behind them' })
  async deadLetters() {
    return { deadLetters: await this.projections.deadLetters() };
  }

  @Get('loyalty/failed-commands')
  @ApiOperation({ summary: 'Loyalty commands the account rules refused (a points total beyond what can be counted exactly, a merge cycle), set aside so that they hold up no other' })
  async failedLoyaltyCommands() {
    return { failedCommands: await this.projections.failedLoyaltyCommands() };
  }

  @Post('dead-letters/retries')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply dead letters again after a fix: { "ids": [...] } or { "all": true }' })
  @ApiBody({ schema: { oneOf: [{ example: { ids: ['12'] } }, { example: { all: true } }] } })
  retry(@Body() raw: unknown) {
    const { ids, all } = requestBodyOf(raw, ['ids', 'all']);
    const refuse = (path: string, message: string) => {
      throw new HttpRequestError('HTTP.INVALID_REQUEST', `send { "all": true } or { "ids": ["12", ...] } with ids from GET /v1/admin/dead-letters: ${path} ${message}`, [{ path, message }]);
    };
    if (all !== undefined) {
      if (all !== true) refuse('all', 'must be true');
      if (ids !== undefined) refuse('ids', 'is not taken with "all": retry every dead letter, or the ones named');
      return this.commands.execute(new RetryDeadLetters());
    }
    if (!Array.isArray(ids) || ids.length === 0) refuse('ids', 'must be a list of dead-letter ids');
    const badIndex = (ids as unknown[]).findIndex((id) => !/^\d+$/.test(String(id)));
    if (badIndex >= 0) refuse(`ids[${badIndex}]`, `is not a dead-letter id, a number as GET /v1/admin/dead-letters lists them: ${JSON.stringify((ids as unknown[])[badIndex])}`);
    return this.commands.execute(new RetryDeadLetters((ids as unknown[]).map(String)));
  }
}
