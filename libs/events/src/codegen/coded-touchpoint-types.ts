/**
 * The touchpoint types the platform's code reads by name (the profile rules, loyalty earning,
 * RFM, the analytics money tables): they get TypeScript declarations. Every other type, such as
 * one a data engineer registers, is handled through its manifest alone and needs no code,
 * generated or written.
 */
export const CODED_TOUCHPOINT_TYPES: readonly string[] = ['call', 'profile_update', 'purchase', 'refund', 'social_mention', 'visit'];
