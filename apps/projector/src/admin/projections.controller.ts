import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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
  rebuild(@Param('name') name: string) {
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

  @Post('dead-letters/retries')
  @ApiOperation({ summary: 'Apply dead letters again after a fix: { "ids": [...] } or { "all": true }' })
  retry(@Body() body: { ids?: unknown; all?: unknown }) {
    const ids = Array.isArray(body?.ids) ? body.ids.map(String) : undefined;
    return this.commands.execute(new RetryDeadLetters(body?.all === true ? undefined : (ids ?? [])));
  }
}
