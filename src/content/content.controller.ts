import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import type { Content } from './content.repository';
import { ContentService } from './content.service';
import { ListContentsQuery, ReactionDto } from './dto/content.dto';

@Controller('contents')
export class ContentController {
  constructor(private readonly content: ContentService) {}

  @Get()
  list(@Query() query: ListContentsQuery): Promise<Content[]> {
    return this.content.list(query.type);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Content> {
    return this.content.get(id);
  }

  @Post(':id/views')
  @UseGuards(JwtAuthGuard)
  view(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string) {
    return this.content.view(user.id, id);
  }

  @Post(':id/streams')
  @UseGuards(JwtAuthGuard)
  startStream(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string) {
    return this.content.startStream(user.id, id);
  }

  @Post(':id/reactions')
  @UseGuards(JwtAuthGuard)
  react(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() dto: ReactionDto) {
    return this.content.react(user.id, id, dto.type);
  }

  @Put(':id/favorite')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(JwtAuthGuard)
  async addFavorite(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.content.addFavorite(user.id, id);
  }

  @Delete(':id/favorite')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(JwtAuthGuard)
  async removeFavorite(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.content.removeFavorite(user.id, id);
  }
}

@Controller('streams')
@UseGuards(JwtAuthGuard)
export class StreamsController {
  constructor(private readonly content: ContentService) {}

  @Delete(':streamId')
  @HttpCode(HttpStatus.NO_CONTENT)
  stop(@CurrentUser() user: AuthenticatedUser, @Param('streamId') streamId: string): void {
    this.content.stopStream(user.id, streamId);
  }
}
