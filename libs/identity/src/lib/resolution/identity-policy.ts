import { IDENTIFIER_PRIORITY, isIdentifierType, type IdentifierType } from '../identifiers/identifier-types';
import { InvalidIdentityPolicyError } from './identity.errors';

/** The guardrails of identity resolution. */
export interface IdentityPolicy {
  /**
   * How many different values of each identifier type one customer may hold. A link or a merge that
   * would go beyond it is refused and recorded as a conflict. `customerId` is always 1: two
   * different customer ids never belong to one customer.
   */
  readonly maxValuesPerType: Readonly<Record<IdentifierType, number>>;
}

export const DEFAULT_IDENTITY_POLICY: IdentityPolicy = {
  maxValuesPerType: { customerId: 1, loyaltyCard: 3, email: 5, phone: 5, socialHandle: 10, deviceId: 20 },
};

/** Every problem of a candidate policy (for example one read from configuration); empty when it is valid. */
export function identityPolicyProblems(candidate: unknown): string[] {
  const limits = (candidate as { maxValuesPerType?: unknown } | null | undefined)?.maxValuesPerType;
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    return [`maxValuesPerType must be an object with a limit for each of ${IDENTIFIER_PRIORITY.join(', ')}`];
  }
  const given = limits as Record<string, unknown>;
  const problems: string[] = [];
  for (const type of IDENTIFIER_PRIORITY) {
    const limit = given[type];
    if (limit === undefined) problems.push(`maxValuesPerType.${type} is missing`);
    else if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
      problems.push(`maxValuesPerType.${type} must be a whole number of at least 1, got ${JSON.stringify(limit)}`);
    } else if (type === 'customerId' && limit !== 1) {
      problems.push(`maxValuesPerType.customerId must be 1, got ${limit}: two different customer ids never belong to one customer`);
    }
  }
  for (const type of Object.keys(given)) {
    if (!isIdentifierType(type)) problems.push(`maxValuesPerType.${type} is not an identifier type; known types are ${IDENTIFIER_PRIORITY.join(', ')}`);
  }
  return problems;
}

export function assertValidIdentityPolicy(candidate: unknown): asserts candidate is IdentityPolicy {
  const problems = identityPolicyProblems(candidate);
  if (problems.length > 0) throw new InvalidIdentityPolicyError(problems);
}

/** The default policy with some limits changed; throws `IDENTITY.INVALID_POLICY` listing every problem. */
export function identityPolicy(limits: Partial<Record<IdentifierType, number>> = {}): IdentityPolicy {
  const policy = { maxValuesPerType: { ...DEFAULT_IDENTITY_POLICY.maxValuesPerType, ...limits } };
  assertValidIdentityPolicy(policy);
  return policy;
}
