import { DEFAULT_IDENTITY_POLICY, identityPolicy, identityPolicyProblems } from './identity-policy';

describe('identity policy', () => {
  it('has valid defaults', () => {
    expect(identityPolicyProblems(DEFAULT_IDENTITY_POLICY)).toEqual([]);
    expect(identityPolicy()).toEqual(DEFAULT_IDENTITY_POLICY);
  });

  it('changes only the limits given', () => {
    expect(identityPolicy({ deviceId: 50 }).maxValuesPerType).toEqual({ ...DEFAULT_IDENTITY_POLICY.maxValuesPerType, deviceId: 50 });
  });

  it('lists every problem of a policy', () => {
    expect(identityPolicyProblems({ maxValuesPerType: { customerId: 2, email: 0, phone: 2.5, loyaltyCard: '3', socialHandle: 10, fax: 1 } })).toEqual([
      'maxValuesPerType.customerId must be 1, got 2: two different customer ids never belong to one customer',
      'maxValuesPerType.loyaltyCard must be a whole number of at least 1, got "3"',
      'maxValuesPerType.email must be a whole number of at least 1, got 0',
      'maxValuesPerType.phone must be a whole number of at least 1, got 2.5',
      'maxValuesPerType.deviceId is missing',
      'maxValuesPerType.fax is not an identifier type; known types are customerId, loyaltyCard, email, phone, socialHandle, deviceId',
    ]);
    expect(identityPolicyProblems(null)).toEqual([expect.stringMatching(/^maxValuesPerType must be an object/)]);
  });

  it('throws them with a stable code', () => {
    expect(() => identityPolicy({ email: -1 })).toThrow(
      expect.objectContaining({ code: 'IDENTITY.INVALID_POLICY', details: ['maxValuesPerType.email must be a whole number of at least 1, got -1'] }),
    );
  });
});
