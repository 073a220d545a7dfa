import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ProjectionsService } from '../projections/projections.service';

export class RebuildProjection extends Command<{ rebuildId: string; alreadyRunning: boolean }> {
  constructor(readonly name: string) {
    super();
  }
}

@CommandHandler(RebuildProjection)
export class RebuildProjectionHandler implements ICommandHandler<RebuildProjection> {
  constructor(private readonly projections: ProjectionsService) {}

  async execute({ name }: RebuildProjection) {
    return this.projections.startRebuild(name);
  }
}
