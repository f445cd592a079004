import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ContentController, StreamsController } from './content.controller';
import { ContentRepository } from './content.repository';
import { ContentService } from './content.service';
import { StreamRegistry } from './stream-registry';

@Module({
  imports: [AuthModule],
  controllers: [ContentController, StreamsController],
  providers: [
    ContentRepository,
    ContentService,
    { provide: StreamRegistry, useFactory: () => new StreamRegistry() },
  ],
})
export class ContentModule {}
