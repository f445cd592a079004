/**
 * Accounts and sign-in: identity providers, login outcomes and why a login failed, where an account
 * was created, and the kinds of device a viewer registers.
 */
export const LOGIN_PROVIDERS = ['local', 'google', 'apple', 'facebook'] as const;
export const LOGIN_STATUSES = ['success', 'failure'] as const;
export const FAILED_LOGIN_REASONS = [
  'invalid_credentials',
  'unknown_user',
  'account_locked',
  'rate_limited',
  'invalid_request',
] as const;
export const REGISTRATION_SOURCES = ['web', 'ios', 'android', 'smart_tv', 'other'] as const;
export const DEVICE_TYPES = ['tv', 'mobile', 'tablet', 'web', 'other'] as const;
export type LoginProvider = (typeof LOGIN_PROVIDERS)[number];
export type LoginStatus = (typeof LOGIN_STATUSES)[number];
export type FailedLoginReason = (typeof FAILED_LOGIN_REASONS)[number];
export type RegistrationSource = (typeof REGISTRATION_SOURCES)[number];
export type DeviceType = (typeof DEVICE_TYPES)[number];
