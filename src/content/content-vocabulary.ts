/** Kinds of title in the catalogue, and the reactions a viewer can leave on one. */
export const CONTENT_TYPES = ['movie', 'series', 'episode', 'live', 'documentary'] as const;
export const REACTION_TYPES = ['like', 'dislike', 'love'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];
export type ReactionType = (typeof REACTION_TYPES)[number];
