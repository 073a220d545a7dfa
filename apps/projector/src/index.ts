export { ProjectorModule } from './projector.module';
export { ProjectionsService } from './projections/projections.service';
export { LoyaltyExpiryService } from './loyalty/loyalty-expiry.service';
