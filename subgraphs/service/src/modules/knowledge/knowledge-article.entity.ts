import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, Float, ObjectType, registerEnumType, Directive } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';

export enum KnowledgeArticleStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
}
registerEnumType(KnowledgeArticleStatus, { name: 'KnowledgeArticleStatus' });

/** The one text-search configuration of the knowledge base: the index and every query must use the same. */
export const SEARCH_CONFIG = 'english';

@ObjectType({ description: 'A knowledge-base article that helps agents (and customers) solve a case' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'knowledge_article' })
@Index({ properties: ['status', 'createdAt', 'id'] })
export class KnowledgeArticle extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  title!: string;

  @Field()
  @Property({ type: 'text' })
  body!: string;

  @Field(() => [String])
  @Property({ type: 'string[]', columnType: 'text[]', defaultRaw: "'{}'" })
  tags: Opt<string[]> = [];

  @Field(() => KnowledgeArticleStatus)
  @Enum({ items: () => KnowledgeArticleStatus, nativeEnumName: 'knowledge_article_status', default: KnowledgeArticleStatus.DRAFT })
  status: Opt<KnowledgeArticleStatus> = KnowledgeArticleStatus.DRAFT;

  /** The tags as one string for the search vector: a generated column may not call array_to_string (only stable). */
  @Property({ type: 'text', defaultRaw: "''", hidden: true })
  tagsText: Opt<string> = '';

  // Title and tags weigh more than the body; the database keeps it current on every write.
  @Index({ type: 'gin' })
  @Property({
    type: 'string',
    columnType: 'tsvector',
    generated: `(setweight(to_tsvector('${SEARCH_CONFIG}', title || ' ' || tags_text), 'A') || setweight(to_tsvector('${SEARCH_CONFIG}', body), 'B')) stored`,
    lazy: true,
    hidden: true,
  })
  searchVector?: Opt<string>;
}

@ObjectType({ description: 'An article matching a search, with its relevance' })
export class KnowledgeArticleHit {
  @Field(() => KnowledgeArticle)
  article!: KnowledgeArticle;

  @Field(() => Float, { description: 'ts_rank of the article against the query; higher is better' })
  score!: number;
}
