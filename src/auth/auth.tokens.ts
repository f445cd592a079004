/** Injection tokens of the auth domain's plain classes (built from the config in AuthModule). */
export const SESSION_STORE = Symbol('SESSION_STORE');
export const ACCESS_TOKENS = Symbol('ACCESS_TOKENS');
export const LOGIN_LOCKOUT = Symbol('LOGIN_LOCKOUT');
