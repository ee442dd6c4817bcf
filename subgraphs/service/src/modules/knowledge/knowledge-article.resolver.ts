import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ServiceContext } from '../../context.js';
import { Case } from '../case/case.entity.js';
import { KnowledgeArticle, KnowledgeArticleHit } from './knowledge-article.entity.js';
import { CreateKnowledgeArticleInput } from './knowledge-article.inputs.js';
import { searchArticles } from './knowledge-article.queries.js';
import { createKnowledgeArticle, getKnowledgeArticle, publishKnowledgeArticle } from './knowledge-article.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { hitCount, searchTerm } from '@crm/kit/input-limits.js';
import { withinDeadline } from '@crm/kit/deadline.js';

@Resolver(() => KnowledgeArticle)
export class KnowledgeArticleResolver {
  @Allow('knowledge:read')
  @Query(() => KnowledgeArticle, { description: 'An article by id; NOT_FOUND when there is none' })
  knowledgeArticle(@Arg('id', () => ID) id: string, @Ctx() { em }: ServiceContext): Promise<KnowledgeArticle> {
    return getKnowledgeArticle(em, id);
  }

  @Allow('knowledge:read')
  @Query(() => [KnowledgeArticleHit], { description: 'Full-text search over published articles, best match first (top hits, not paged)' })
  searchArticles(
    @Arg('query') query: string,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Ctx() { em, deadline }: ServiceContext,
  ): Promise<KnowledgeArticleHit[]> {
    return withinDeadline(em, deadline, (tx) => searchArticles(tx, searchTerm(query), hitCount(first, 50)));
  }

  @Allow('knowledge:write')
  @Mutation(() => KnowledgeArticle)
  createKnowledgeArticle(@Arg('input') input: CreateKnowledgeArticleInput, @Ctx() { em }: ServiceContext): Promise<KnowledgeArticle> {
    return createKnowledgeArticle(em, input);
  }

  @Allow('knowledge:write')
  @Mutation(() => KnowledgeArticle, { description: 'CONFLICT when the version is stale' })
  publishKnowledgeArticle(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() { em }: ServiceContext,
  ): Promise<KnowledgeArticle> {
    return publishKnowledgeArticle(em, id, version);
  }
}

@Resolver(() => Case)
export class CaseSuggestedArticlesResolver {
  @FieldResolver(() => [KnowledgeArticleHit], { description: 'Published articles that likely solve the case, best first' })
  suggestedArticles(
    @Root() found: Case,
    @Arg('first', () => Int, { defaultValue: 3 }) first: number,
    @Ctx() { loaders }: ServiceContext,
  ): Promise<KnowledgeArticleHit[]> {
    return loaders.suggestedArticlesByCase(first).load(found.id);
  }
}
