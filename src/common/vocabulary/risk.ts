/**
 * Security risk events the API detects (authentication: brute force, new device; payments:
 * suspicious payment) and what it did about each.
 */
export const RISK_TYPES = ['brute_force', 'new_device', 'suspicious_payment'] as const;
export const RISK_ACTIONS = ['blocked', 'flagged'] as const;
export type RiskType = (typeof RISK_TYPES)[number];
export type RiskAction = (typeof RISK_ACTIONS)[number];
