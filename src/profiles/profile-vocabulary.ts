/** Kinds of viewer profile under one account. */
export const PROFILE_TYPES = ['adult', 'kids'] as const;
export type ProfileType = (typeof PROFILE_TYPES)[number];
