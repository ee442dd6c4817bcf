import { ArrayMaxSize, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { KnowledgeArticleStatus } from './knowledge-article.entity.js';

@InputType()
export class CreateKnowledgeArticleInput {
  @Field()
  @Length(1, 300, { message: 'title must be between 1 and 300 characters' })
  title!: string;

  @Field()
  @Length(1, 100000, { message: 'body must not be empty' })
  body!: string;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(30)
  @Length(1, 50, { each: true, message: 'each tag must be between 1 and 50 characters' })
  tags!: string[];

  @Field(() => KnowledgeArticleStatus, { defaultValue: KnowledgeArticleStatus.DRAFT })
  status!: KnowledgeArticleStatus;
}
