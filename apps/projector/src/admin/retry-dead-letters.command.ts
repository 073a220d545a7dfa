import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ProjectionsService } from '../projections/projections.service';

/** Retry the given dead letters (and those held behind them), or all of them when `ids` is absent. */
export class RetryDeadLetters extends Command<{ retried: number; stillFailing: number }> {
  constructor(readonly ids?: readonly string[]) {
    super();
  }
}

@CommandHandler(RetryDeadLetters)
export class RetryDeadLettersHandler implements ICommandHandler<RetryDeadLetters> {
  constructor(private readonly projections: ProjectionsService) {}

  execute({ ids }: RetryDeadLetters) {
    return this.projections.retryDeadLetters(ids);
  }
}
