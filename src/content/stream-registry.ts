import { randomUUID } from 'node:crypto';
import type { ContentType } from './content-vocabulary';

export interface Stream {
  readonly id: string;
  readonly userId: string;
  readonly contentId: string;
  readonly contentType: ContentType;
  readonly startedAt: number;
}

/**
 * The streams open on THIS instance (active_streams_total is a per-instance gauge). A stream is
 * stopped once, by its owner: `stop` removes it atomically, so a second stop finds nothing. A
 * per-user cap bounds the registry's memory.
 */
export class StreamRegistry {
  private readonly streams = new Map<string, Stream>();
  private readonly perUser = new Map<string, number>();

  constructor(
    readonly maxPerUser = 10,
    private readonly now: () => number = Date.now,
  ) {}

  /** undefined when the user already has `maxPerUser` open streams. */
  start(userId: string, contentId: string, contentType: ContentType): Stream | undefined {
    const open = this.perUser.get(userId) ?? 0;
    if (open >= this.maxPerUser) return undefined;
    const stream: Stream = { id: randomUUID(), userId, contentId, contentType, startedAt: this.now() };
    this.streams.set(stream.id, stream);
    this.perUser.set(userId, open + 1);
    return stream;
  }

  /** The stopped stream, or undefined when no open stream with that id belongs to `userId`. */
  stop(streamId: string, userId: string): Stream | undefined {
    const stream = this.streams.get(streamId);
    if (!stream || stream.userId !== userId) return undefined;
    this.streams.delete(streamId);
    const open = (this.perUser.get(userId) ?? 1) - 1;
    if (open > 0) this.perUser.set(userId, open);
    else this.perUser.delete(userId);
    return stream;
  }

  get size(): number {
    return this.streams.size;
  }
}
