import { ForbiddenException, HttpException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { MetricsService } from '@infrastructure/metrics';
import type { ContentType, ReactionType } from './content-vocabulary';
import { UsersRepository } from '../auth/users.repository';
import { ContentRepository, type Content } from './content.repository';
import { StreamRegistry } from './stream-registry';

/** What a signed-in user does with the catalogue, each real event recorded once. */
@Injectable()
export class ContentService {
  constructor(
    private readonly contents: ContentRepository,
    private readonly users: UsersRepository,
    private readonly streams: StreamRegistry,
    private readonly metrics: MetricsService,
  ) {}

  list(type?: ContentType): Promise<Content[]> {
    return this.contents.list(type);
  }

  async get(id: string): Promise<Content> {
    const content = await this.contents.find(id);
    if (!content) throw new NotFoundException(`content ${id} not found`);
    return content;
  }

  async view(
    userId: string,
    contentId: string,
  ): Promise<{ contentId: string; contentType: ContentType; accessType: string }> {
    const content = await this.playable(userId, contentId);
    await this.contents.addView(userId, content.id, content.accessType);
    this.metrics.recordContentView(content.type, content.premium ? 'premium' : 'free');
    return { contentId: content.id, contentType: content.type, accessType: content.accessType };
  }

  async startStream(userId: string, contentId: string): Promise<{ streamId: string; contentId: string }> {
    const content = await this.playable(userId, contentId);
    const stream = this.streams.start(userId, content.id, content.type);
    if (!stream) {
      throw new HttpException(
        `at most ${this.streams.maxPerUser} streams may be open at once`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.metrics.recordStreamStarted(content.type);
    return { streamId: stream.id, contentId: content.id };
  }

  stopStream(userId: string, streamId: string): void {
    const stream = this.streams.stop(streamId, userId);
    if (!stream) throw new NotFoundException(`stream ${streamId} not found`);
    this.metrics.recordStreamStopped(stream.contentType);
  }

  async react(
    userId: string,
    contentId: string,
    type: ReactionType,
  ): Promise<{ contentId: string; type: ReactionType; changed: boolean }> {
    const content = await this.get(contentId);
    const changed = await this.contents.react(userId, content.id, type);
    if (changed) this.metrics.recordReaction(type, content.type);
    return { contentId: content.id, type, changed };
  }

  async addFavorite(userId: string, contentId: string): Promise<void> {
    const content = await this.get(contentId);
    if (await this.contents.addFavorite(userId, content.id)) this.metrics.recordFavoriteAdded(content.type);
  }

  async removeFavorite(userId: string, contentId: string): Promise<void> {
    const content = await this.get(contentId);
    if (await this.contents.removeFavorite(userId, content.id))
      this.metrics.recordFavoriteRemoved(content.type);
  }

  /** The title, if the user may play it: premium titles need an unexpired subscription (403). */
  private async playable(userId: string, contentId: string): Promise<Content> {
    const content = await this.get(contentId);
    if (content.premium && (await this.users.accessType(userId)) !== 'premium') {
      throw new ForbiddenException('premium content requires an active subscription');
    }
    return content;
  }
}
