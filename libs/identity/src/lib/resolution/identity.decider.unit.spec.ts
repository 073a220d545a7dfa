import type { Identifiers } from '@cdp/events';
import { customerIdFor } from './customer-id';
import { resolveTouchpoint, type IdentityCommand } from './identity.commands';
import { decide, evolve, identityDecider, initialState } from './identity.decider';
import type { IdentityEvent } from './identity.events';
import { customerOfIdentifier, customerOfTouchpoint, survivorOf } from './identity-graph';
import { DEFAULT_IDENTITY_POLICY, identityPolicy, type IdentityPolicy } from './identity-policy';

const none: Identifiers = { customerId: null, email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null };

/** Touchpoint n: its event id, and the customer it would name. */
const ev = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const cus = (n: number) => customerIdFor(ev(n));

function touchpoint(n: number, occurredAt: string, identifiers: Partial<Identifiers>): IdentityCommand {
  return resolveTouchpoint({ eventId: ev(n), occurredAt, identifiers: { ...none, ...identifiers } });
}

/** The events of touchpoint n having founded a customer with these identifier keys. */
function founded(n: number, firstSeenAt: string, ...keys: string[]): IdentityEvent[] {
  return [
    { type: 'CustomerCreated', data: { customerId: cus(n), firstSeenAt, firstEventId: ev(n) } },
    ...keys.map((identifier): IdentityEvent => ({ type: 'IdentifierLinked', data: { customerId: cus(n), identifier, eventId: ev(n) } })),
    { type: 'TouchpointAttributed', data: { eventId: ev(n), customerId: cus(n) } },
  ];
}

function given(...history: IdentityEvent[][]) {
  const state = history.flat().reduce(evolve, initialState());
  return {
    state,
    when: (command: IdentityCommand, policy: IdentityPolicy = DEFAULT_IDENTITY_POLICY) => ({
      then: (expected: IdentityEvent[]) => expect(decide(command, state, policy)).toEqual(expected),
    }),
  };
}

const T10 = '2026-11-20T10:00:00.000Z';
const T11 = '2026-11-20T11:00:00.000Z';
const T12 = '2026-11-20T12:00:00.000Z';
const T13 = '2026-11-20T13:00:00.000Z';

describe('identity decider', () => {
  describe('a touchpoint nobody is known by', () => {
    it('creates a customer named after it, holding its identifiers, and lands on it', () => {
      given()
        .when(touchpoint(1, T10, { email: 'a@b.co', phone: '+989121234567' }))
        .then(founded(1, T10, 'email:a@b.co', 'phone:+989121234567'));
    });

    it('records first seen as a UTC instant with milliseconds, whatever form occurredAt came in', () => {
      given()
        .when(touchpoint(1, '2026-11-20T13:30:00+03:30', { email: 'a@b.co' }))
        .then(founded(1, T10, 'email:a@b.co'));
    });
  });

  describe('a touchpoint of a known customer', () => {
    it('links its new identifiers to that customer', () => {
      given(founded(1, T10, 'email:a@b.co'))
        .when(touchpoint(2, T11, { email: 'a@b.co', phone: '+989121234567' }))
        .then([
          { type: 'IdentifierLinked', data: { customerId: cus(1), identifier: 'phone:+989121234567', eventId: ev(2) } },
          { type: 'TouchpointAttributed', data: { eventId: ev(2), customerId: cus(1) } },
        ]);
    });

    it('only lands on it when it brings nothing new', () => {
      given(founded(1, T10, 'email:a@b.co', 'phone:+989121234567'))
        .when(touchpoint(2, T11, { phone: '+989121234567' }))
        .then([{ type: 'TouchpointAttributed', data: { eventId: ev(2), customerId: cus(1) } }]);
    });
  });

  describe('a touchpoint that joins customers', () => {
    it('merges two into the one first seen earliest, even when its best identifier is the other one', () => {
      given(founded(1, T10, 'phone:+989121234567'), founded(2, T11, 'email:a@b.co'))
        .when(touchpoint(3, T12, { email: 'a@b.co', phone: '+989121234567' }))
        .then([
          { type: 'CustomerMerged', data: { from: cus(2), into: cus(1), eventId: ev(3), occurredAt: T12 } },
          { type: 'TouchpointAttributed', data: { eventId: ev(3), customerId: cus(1) } },
        ]);
    });

    it('merges three at once into the earliest, the others in first-seen order, and links what is new', () => {
      given(founded(3, T12, 'loyaltyCard:L-1'), founded(1, T10, 'phone:+989121234567'), founded(2, T11, 'email:a@b.co'))
        .when(touchpoint(4, T13, { loyaltyCard: 'L-1', email: 'a@b.co', phone: '+989121234567', deviceId: 'dev-1' }))
        .then([
          { type: 'CustomerMerged', data: { from: cus(2), into: cus(1), eventId: ev(4), occurredAt: T13 } },
          { type: 'CustomerMerged', data: { from: cus(3), into: cus(1), eventId: ev(4), occurredAt: T13 } },
          { type: 'IdentifierLinked', data: { customerId: cus(1), identifier: 'deviceId:dev-1', eventId: ev(4) } },
          { type: 'TouchpointAttributed', data: { eventId: ev(4), customerId: cus(1) } },
        ]);
    });

    it('breaks a tie of first-seen times by the smaller event id', () => {
      given(founded(2, T10, 'email:a@b.co'), founded(1, T10, 'phone:+989121234567'))
        .when(touchpoint(3, T11, { email: 'a@b.co', phone: '+989121234567' }))
        .then([
          { type: 'CustomerMerged', data: { from: cus(2), into: cus(1), eventId: ev(3), occurredAt: T11 } },
          { type: 'TouchpointAttributed', data: { eventId: ev(3), customerId: cus(1) } },
        ]);
    });

    it('moves the merged customer\'s identifiers to the survivor, and answers a lookup of the merged id with the survivor', () => {
      const { state } = given(
        founded(1, T10, 'phone:+989121234567'),
        founded(2, T11, 'email:a@b.co'),
        founded(3, T12, 'deviceId:dev-1'),
        [{ type: 'CustomerMerged', data: { from: cus(3), into: cus(2), eventId: ev(4), occurredAt: T13 } }],
        [{ type: 'CustomerMerged', data: { from: cus(2), into: cus(1), eventId: ev(5), occurredAt: T13 } }],
      );
      expect(state.customers.get(cus(1))!.identifiers).toEqual(['deviceId:dev-1', 'email:a@b.co', 'phone:+989121234567']);
      expect(state.customers.get(cus(3))).toMatchObject({ identifiers: [], mergedInto: cus(2) });
      expect(survivorOf(state, cus(3))).toBe(cus(1));
      expect(customerOfIdentifier(state, 'deviceId:dev-1')).toBe(cus(1));
      expect(customerOfTouchpoint(state, ev(3))).toBe(cus(1));
    });
  });

  describe('a late touchpoint earlier than the customer it belongs to', () => {
    it('re-keys it: creates the customer named after the late touchpoint and merges the old one into it', () => {
      given(founded(2, T11, 'email:a@b.co'))
        .when(touchpoint(1, T10, { email: 'a@b.co', phone: '+989121234567' }))
        .then([
          { type: 'CustomerCreated', data: { customerId: cus(1), firstSeenAt: T10, firstEventId: ev(1) } },
          { type: 'CustomerMerged', data: { from: cus(2), into: cus(1), eventId: ev(1), occurredAt: T10 } },
          { type: 'IdentifierLinked', data: { customerId: cus(1), identifier: 'phone:+989121234567', eventId: ev(1) } },
          { type: 'TouchpointAttributed', data: { eventId: ev(1), customerId: cus(1) } },
        ]);
    });

    it('re-keys on a tie of occurredAt when its event id is smaller', () => {
      given(founded(2, T10, 'email:a@b.co'))
        .when(touchpoint(1, T10, { email: 'a@b.co' }))
        .then([
          { type: 'CustomerCreated', data: { customerId: cus(1), firstSeenAt: T10, firstEventId: ev(1) } },
          { type: 'CustomerMerged', data: { from: cus(2), into: cus(1), eventId: ev(1), occurredAt: T10 } },
          { type: 'TouchpointAttributed', data: { eventId: ev(1), customerId: cus(1) } },
        ]);
    });

    it('merges every customer it joins into the new one', () => {
      given(founded(2, T11, 'email:a@b.co'), founded(3, T12, 'phone:+989121234567'))
        .when(touchpoint(1, T10, { email: 'a@b.co', phone: '+989121234567' }))
        .then([
          { type: 'CustomerCreated', data: { customerId: cus(1), firstSeenAt: T10, firstEventId: ev(1) } },
          { type: 'CustomerMerged', data: { from: cus(2), into: cus(1), eventId: ev(1), occurredAt: T10 } },
          { type: 'CustomerMerged', data: { from: cus(3), into: cus(1), eventId: ev(1), occurredAt: T10 } },
          { type: 'TouchpointAttributed', data: { eventId: ev(1), customerId: cus(1) } },
        ]);
    });
  });

  describe('placeholders', () => {
    it('are never linked, so they join nobody', () => {
      const history = [founded(1, T10, 'deviceId:dev-1')];
      given(...history)
        .when(touchpoint(2, T11, { email: 'unknown', phone: '0000000', deviceId: 'dev-1' }))
        .then([{ type: 'TouchpointAttributed', data: { eventId: ev(2), customerId: cus(1) } }]);
      given(...history)
        .when(touchpoint(2, T11, { email: 'unknown', deviceId: 'dev-2' }))
        .then(founded(2, T11, 'deviceId:dev-2'));
    });

    it('leave a touchpoint with nothing else on a customer of its own', () => {
      given(founded(1, T10, 'deviceId:dev-1'))
        .when(touchpoint(2, T11, { email: 'n/a', customerId: 'null' }))
        .then(founded(2, T11));
    });
  });

  describe('the customer id guardrail', () => {
    const history = [founded(1, T10, 'customerId:c-1', 'email:a@b.co'), founded(2, T11, 'customerId:c-2', 'phone:+989121234567')];

    it('refuses to merge two customers with different customer ids and records the conflict', () => {
      given(...history)
        .when(touchpoint(3, T12, { email: 'a@b.co', phone: '+989121234567', deviceId: 'dev-1' }))
        .then([
          { type: 'IdentifierLinked', data: { customerId: cus(1), identifier: 'deviceId:dev-1', eventId: ev(3) } },
          {
            type: 'IdentityConflictRecorded',
            data: { eventId: ev(3), occurredAt: T12, identifier: 'phone:+989121234567', reason: 'IDENTITY.DIFFERENT_CUSTOMER_IDS', customerId: cus(1), conflictingCustomerId: cus(2) },
          },
          { type: 'TouchpointAttributed', data: { eventId: ev(3), customerId: cus(1) } },
        ]);
    });

    it('lands the touchpoint on the customer of its highest-priority identifier, not on the earliest', () => {
      given(...history)
        .when(touchpoint(3, T12, { customerId: 'c-2', email: 'a@b.co' }))
        .then([
          {
            type: 'IdentityConflictRecorded',
            data: { eventId: ev(3), occurredAt: T12, identifier: 'email:a@b.co', reason: 'IDENTITY.DIFFERENT_CUSTOMER_IDS', customerId: cus(2), conflictingCustomerId: cus(1) },
          },
          { type: 'TouchpointAttributed', data: { eventId: ev(3), customerId: cus(2) } },
        ]);
    });

    it('gives a new customer id its own customer rather than linking it to a customer with another one', () => {
      given(...history)
        .when(touchpoint(3, T12, { customerId: 'c-3', email: 'a@b.co' }))
        .then([
          { type: 'CustomerCreated', data: { customerId: cus(3), firstSeenAt: T12, firstEventId: ev(3) } },
          { type: 'IdentifierLinked', data: { customerId: cus(3), identifier: 'customerId:c-3', eventId: ev(3) } },
          {
            type: 'IdentityConflictRecorded',
            data: { eventId: ev(3), occurredAt: T12, identifier: 'email:a@b.co', reason: 'IDENTITY.DIFFERENT_CUSTOMER_IDS', customerId: cus(3), conflictingCustomerId: cus(1) },
          },
          { type: 'TouchpointAttributed', data: { eventId: ev(3), customerId: cus(3) } },
        ]);
    });

    it('lets a customer id join a customer that has none', () => {
      given(founded(1, T10, 'email:a@b.co'))
        .when(touchpoint(2, T11, { customerId: 'c-1', email: 'a@b.co' }))
        .then([
          { type: 'IdentifierLinked', data: { customerId: cus(1), identifier: 'customerId:c-1', eventId: ev(2) } },
          { type: 'TouchpointAttributed', data: { eventId: ev(2), customerId: cus(1) } },
        ]);
    });
  });

  describe('the per-type limit guardrail', () => {
    const twoEmails = identityPolicy({ email: 2 });
    const history = [founded(1, T10, 'loyaltyCard:L-1', 'email:a@b.co', 'phone:+989121234567'), founded(2, T11, 'email:c@d.co')];
    const fullCustomer = [...history, [{ type: 'CustomerMerged', data: { from: cus(2), into: cus(1), eventId: ev(9), occurredAt: T12 } } as const]];

    it('refuses to link one value too many to the customer, and records the conflict', () => {
      given(...fullCustomer)
        .when(touchpoint(3, T13, { loyaltyCard: 'L-1', email: 'e@f.co', deviceId: 'dev-1' }), twoEmails)
        .then([
          { type: 'IdentifierLinked', data: { customerId: cus(1), identifier: 'deviceId:dev-1', eventId: ev(3) } },
          {
            type: 'IdentityConflictRecorded',
            data: { eventId: ev(3), occurredAt: T13, identifier: 'email:e@f.co', reason: 'IDENTITY.TOO_MANY_VALUES', customerId: cus(1), conflictingCustomerId: null },
          },
          { type: 'TouchpointAttributed', data: { eventId: ev(3), customerId: cus(1) } },
        ]);
    });

    it('refuses a merge that would give the survivor too many values, and lands on the best identifier\'s customer', () => {
      given(...fullCustomer)
        .when(touchpoint(3, T13, { email: 'e@f.co', phone: '+989121234567' }), twoEmails)
        .then([
          { type: 'CustomerCreated', data: { customerId: cus(3), firstSeenAt: T13, firstEventId: ev(3) } },
          { type: 'IdentifierLinked', data: { customerId: cus(3), identifier: 'email:e@f.co', eventId: ev(3) } },
          {
            type: 'IdentityConflictRecorded',
            data: { eventId: ev(3), occurredAt: T13, identifier: 'phone:+989121234567', reason: 'IDENTITY.TOO_MANY_VALUES', customerId: cus(3), conflictingCustomerId: cus(1) },
          },
          { type: 'TouchpointAttributed', data: { eventId: ev(3), customerId: cus(3) } },
        ]);
    });

    it('merges up to the limit', () => {
      given(...history)
        .when(touchpoint(3, T13, { email: 'c@d.co', phone: '+989121234567' }), twoEmails)
        .then([
          { type: 'CustomerMerged', data: { from: cus(2), into: cus(1), eventId: ev(3), occurredAt: T13 } },
          { type: 'TouchpointAttributed', data: { eventId: ev(3), customerId: cus(1) } },
        ]);
    });

    it('still takes identifiers of other types when a lowered limit is already exceeded', () => {
      given(...fullCustomer)
        .when(touchpoint(3, T13, { loyaltyCard: 'L-1', email: 'a@b.co', deviceId: 'dev-1' }), identityPolicy({ email: 1 }))
        .then([
          { type: 'IdentifierLinked', data: { customerId: cus(1), identifier: 'deviceId:dev-1', eventId: ev(3) } },
          { type: 'TouchpointAttributed', data: { eventId: ev(3), customerId: cus(1) } },
        ]);
    });
  });

  describe('idempotency', () => {
    it('decides nothing for a touchpoint already attributed, whatever it says now', () => {
      const history = [founded(1, T10, 'email:a@b.co'), founded(2, T11, 'phone:+989121234567')];
      given(...history)
        .when(touchpoint(1, T10, { email: 'a@b.co' }))
        .then([]);
      given(...history)
        .when(touchpoint(1, T12, { email: 'a@b.co', phone: '+989121234567' }))
        .then([]);
    });

    it('folds a replayed event to the same state', () => {
      const once = founded(1, T10, 'email:a@b.co').reduce(evolve, initialState());
      expect(founded(1, T10, 'email:a@b.co').reduce(evolve, once)).toEqual(once);
    });
  });

  describe('refusing bad input', () => {
    it('refuses an event id that is not a UUID', () => {
      expect(() => decide(resolveTouchpoint({ eventId: 'e-1', occurredAt: T10, identifiers: { ...none, email: 'a@b.co' } }), initialState(), DEFAULT_IDENTITY_POLICY)).toThrow(
        expect.objectContaining({ code: 'IDENTITY.INVALID_COMMAND' }),
      );
    });

    it.each(['2026-11-20 10:15', '2026-11-20T10:15:00', 'yesterday'])('refuses occurredAt %j, an instant without a zone or no instant', (occurredAt) => {
      expect(() => decide(touchpoint(1, occurredAt, { email: 'a@b.co' }), initialState(), DEFAULT_IDENTITY_POLICY)).toThrow(
        expect.objectContaining({ code: 'IDENTITY.INVALID_COMMAND', message: expect.stringContaining(occurredAt) }),
      );
    });

    it('refuses to decide with an invalid policy', () => {
      const policy = { maxValuesPerType: { ...DEFAULT_IDENTITY_POLICY.maxValuesPerType, email: 0 } };
      expect(() => identityDecider(policy)).toThrow(expect.objectContaining({ code: 'IDENTITY.INVALID_POLICY' }));
      expect(() => decide(touchpoint(1, T10, { email: 'a@b.co' }), initialState(), policy)).toThrow(expect.objectContaining({ code: 'IDENTITY.INVALID_POLICY' }));
    });

    it('says which customer a slice lacks', () => {
      const state = founded(1, T10, 'email:a@b.co').reduce(evolve, initialState());
      const slice = { ...state, customers: new Map() };
      expect(() => decide(touchpoint(2, T11, { email: 'a@b.co' }), slice, DEFAULT_IDENTITY_POLICY)).toThrow(
        expect.objectContaining({ code: 'IDENTITY.INCOMPLETE_STATE', message: expect.stringContaining(cus(1)) }),
      );
    });
  });
});
