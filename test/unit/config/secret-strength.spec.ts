import { randomBytes } from 'node:crypto';
import { MIN_SECRET_LENGTH, weakSecretReason } from '../../../src/config/secret-strength';

describe('weakSecretReason', () => {
  it.each([
    ['x', /1 characters, at least 32 needed/],
    ['a'.repeat(32), /short pattern repeated/],
    ['ab'.repeat(20), /short pattern repeated/],
    ['0123456789abcdef'.repeat(2), /short pattern repeated/],
    ['aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbcccc', /bits of entropy, at least 80 needed/],
  ])('refuses %j', (secret, reason) => {
    expect(weakSecretReason(secret)).toMatch(reason);
  });

  it('accepts what `openssl rand` and the stack generate, every time', () => {
    for (let i = 0; i < 2000; i++) {
      expect(weakSecretReason(randomBytes(16).toString('hex'))).toBeUndefined();
      expect(weakSecretReason(randomBytes(32).toString('base64'))).toBeUndefined();
      expect(weakSecretReason(randomBytes(32).toString('base64url'))).toBeUndefined();
    }
  });

  it('counts characters, not UTF-16 code units', () => {
    expect(weakSecretReason('🔑'.repeat(MIN_SECRET_LENGTH - 1))).toMatch(/31 characters/);
  });
});
