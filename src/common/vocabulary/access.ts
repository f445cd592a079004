/**
 * What a viewer may watch: a title is free or premium, and so is an account (premium while its
 * subscription is active). Shared by content, accounts and the metrics that count both.
 */
export const ACCESS_TYPES = ['free', 'premium'] as const;
export type AccessType = (typeof ACCESS_TYPES)[number];
