import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CustomerQueries, type TimelinePosition } from '@cdp/customer-projection';
import { identifierKey, isIdentifierType, normalizeIdentifier } from '@cdp/identity';
import { LoyaltyQueries } from '@cdp/loyalty-accounts';
import { visibleProfile, type CustomerProfile } from '@cdp/profile';
import { ApiErrors, CLOCK, ApiLimitQuery, ApiPageCursorQuery, LimitPipe, nextPageCursor, PageCursorPipe, SETTINGS, type Clock, type Settings } from '@cdp/platform-runtime';
import { CustomerNotFoundError, InvalidIdentifierError } from './customer.errors';
import { CUSTOMER_VIEW, CUSTOMER_VIEW_BY_ID, TIMELINE } from './customer-views.openapi';

@ApiTags('customers')
@Controller('v1/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomerQueries,
    private readonly loyalty: LoyaltyQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The unified profile of the customer an identifier belongs to, e.g. ?identifier=email:a@b.co' })
  @ApiQuery({ name: 'identifier', required: true, schema: { type: 'string' }, example: 'email:sara.ahmadi@example.com', description: 'type:value, the value URL-encoded (a + in an email is %2B)' })
  @ApiOkResponse({ schema: CUSTOMER_VIEW })
  @ApiErrors({ 400: 'CUSTOMER.INVALID_IDENTIFIER: the identifier is not type:value of a known type, or its value is not one', 404: 'CUSTOMER.NOT_FOUND: no customer holds the identifier', 503: 'DATABASE.UNAVAILABLE: the database did not answer; retry after Retry-After' })
  async byIdentifier(@Query('identifier') identifier = '') {
    const key = this.identifierKeyOf(identifier);
    const customerId = await this.customers.customerIdOf(key);
    const profile = customerId && (await this.customers.profile(customerId));
    if (!profile) throw new CustomerNotFoundError(`with ${key}`);
    return this.withLoyalty(profile);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The unified profile with its loyalty summary; a merged id answers with its survivor, marked with mergedInto' })
  @ApiOkResponse({ schema: CUSTOMER_VIEW_BY_ID })
  @ApiErrors({ 404: 'CUSTOMER.NOT_FOUND: no customer has, or had, the id', 503: 'DATABASE.UNAVAILABLE: the database did not answer; retry after Retry-After' })
  async byId(@Param('id') id: string) {
    const profile = await this.customers.profile(id);
    if (!profile) throw new CustomerNotFoundError(`with id ${id}`);
    const view = await this.withLoyalty(profile);
    return profile.customerId === id ? view : { ...view, requestedId: id, mergedInto: profile.customerId };
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: "The customer's touchpoints, newest first (merged customers' included); the next page with before=<next>" })
  @ApiLimitQuery(50)
  @ApiPageCursorQuery()
  @ApiOkResponse({ schema: TIMELINE })
  @ApiErrors({ 400: 'HTTP.INVALID_REQUEST: limit or before is not one the list takes', 404: 'CUSTOMER.NOT_FOUND', 503: 'DATABASE.UNAVAILABLE: the database did not answer; retry after Retry-After' })
  async timeline(@Param('id') id: string, @Query('limit', new LimitPipe(50)) limit: number, @Query('before', new PageCursorPipe(['string', 'string'])) before?: TimelinePosition) {
    const profile = await this.customers.profile(id);
    if (!profile) throw new CustomerNotFoundError(`with id ${id}`);
    const { items, next } = await this.customers.timeline(profile, limit, before);
    return { customerId: profile.customerId, touchpoints: items, next: nextPageCursor(next) };
  }

  /** The profile as people see it, with its loyalty summary: available points and tier, as of now. */
  private async withLoyalty(profile: CustomerProfile) {
    const { available, tier } = await this.loyalty.balance(profile.customerId, this.settings.loyalty.program, this.clock.now());
    return { ...visibleProfile(profile), loyalty: { available, tier: tier.name } };
  }

  private identifierKeyOf(identifier: string): string {
    const colon = identifier.indexOf(':');
    const type = identifier.slice(0, colon);
    if (colon < 1 || !isIdentifierType(type)) {
      throw new InvalidIdentifierError(`identifier must be "<type>:<value>" with a type among customerId, loyaltyCard, email, phone, socialHandle, deviceId; got "${identifier}"`);
    }
    const normalized = normalizeIdentifier(type, identifier.slice(colon + 1), { defaultPhoneRegion: this.settings.defaultPhoneRegion });
    if ('error' in normalized || normalized.value === null) {
      throw new InvalidIdentifierError(`identifier ${identifier}: ${'error' in normalized ? normalized.error : 'is empty'}`);
    }
    return identifierKey(type, normalized.value);
  }
}
