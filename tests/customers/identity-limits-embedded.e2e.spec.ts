import { randomUUID } from 'node:crypto';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { eventually } from '../support/eventually';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

/** CDP_IDENTITY_LIMITS reaches the customers projection: a customer holds no more values of a type than it says. */
describe('identity limits set by CDP_IDENTITY_LIMITS (embedded)', () => {
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES, { CDP_IDENTITY_LIMITS: 'email=2' });
  });
  afterAll(() => platform?.close());

  it('links a customer id to two emails and refuses the third as a conflict, the touchpoint landing on the customer id', async () => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const emails = [1, 2, 3].map((n) => `${customerId}.${n}@example.com`);
    const visit = (email: string, day: number) => ({
      eventId: randomUUID(), type: 'visit', source: 'web', occurredAt: `2026-11-0${day}T10:00:00Z`, identifiers: { customerId, email }, payload: { channel: 'web' },
    });
    for (const [n, email] of emails.entries()) expect((await platform.post('/v1/touchpoints', visit(email, n + 1))).status).toBe(202);

    const conflict = await eventually(async () => {
      const { body } = await platform.get('/v1/admin/identity-conflicts');
      return body.conflicts.find((c: { identifier: string }) => c.identifier === `email:${emails[2]}`);
    }, 'the third email to be refused');
    expect(conflict).toMatchObject({ reason: 'IDENTITY.TOO_MANY_VALUES' });
    const { body: profile } = await platform.get(`/v1/customers?identifier=customerId:${customerId}`);
    expect(profile.identifiers.email).toEqual(emails.slice(0, 2));
    expect(profile.activity.byType.visit.count).toBe(3);
  });
});
