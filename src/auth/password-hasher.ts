import { Algorithm, hash, verify } from '@node-rs/argon2';
import { Injectable } from '@nestjs/common';

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's minimum recommendation). */
@Injectable()
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: Algorithm.Argon2id });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of a real verification, so an unknown email answers as slowly as a wrong password. */
  async verifyNothing(password: string): Promise<void> {
    this.dummy ??= this.hash('mytelevision-timing-equaliser');
    await this.verify(await this.dummy, password);
  }
}
