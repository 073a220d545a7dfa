export { ProjectorModule } from './projector.module';
export { ProjectionsService } from './projections/projections.service';
