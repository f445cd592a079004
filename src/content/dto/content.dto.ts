import { IsIn, IsOptional } from 'class-validator';
import { CONTENT_TYPES, REACTION_TYPES, type ContentType, type ReactionType } from '../content-vocabulary';

export class ListContentsQuery {
  @IsOptional()
  @IsIn(CONTENT_TYPES)
  type?: ContentType;
}

export class ReactionDto {
  @IsIn(REACTION_TYPES)
  type!: ReactionType;
}
