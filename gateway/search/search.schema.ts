import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { SignedIn } from '@crm/kit/access/decorators.js';
import { Arg, Ctx, Directive, Field, Float, ID, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { badInput } from '@crm/kit/errors.js';
import { buildFederatedSchema } from '@crm/kit/federation.js';
import type { GatewayContext } from '../app.js';
import type { DomainSearch } from './search.domains.js';
import { hitCount, searchTerm } from '@crm/kit/input-limits.js';

/** Never called over HTTP: the gateway runs the search subgraph in-process. */
export const SEARCH_SUBGRAPH_URL = 'http://gateway.local/search';

export enum SearchHitKind {
  CUSTOMER = 'CUSTOMER',
  PRODUCT = 'PRODUCT',
  KNOWLEDGE_ARTICLE = 'KNOWLEDGE_ARTICLE',
}
registerEnumType(SearchHitKind, { name: 'SearchHitKind' });

@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
class Customer {
  @Field(() => ID) id!: string;
}

@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
class Product {
  @Field(() => ID) id!: string;
}

@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
class KnowledgeArticle {
  @Field(() => ID) id!: string;
}

@ObjectType({ description: 'One result of the global search; exactly one of customer, product, article is set' })
export class SearchHit {
  @Field(() => SearchHitKind) kind!: SearchHitKind;
  @Field({ description: 'The text to show for the hit' }) title!: string;
  @Field(() => Float, { description: 'Relevance from 0 to 1; each domain scales its hits to its best one' }) score!: number;
  @Field(() => Customer, { nullable: true }) customer?: Customer | null;
  @Field(() => Product, { nullable: true }) product?: Product | null;
  @Field(() => KnowledgeArticle, { nullable: true }) article?: KnowledgeArticle | null;
}

/**
 * The search box across domains: it asks each owning subgraph's own ranked search through the graph
 * (identity: customers, sales: products, service: knowledge articles) and merges the hits by relevance.
 */
export function buildSearchSchema(domains: DomainSearch[] = []): Promise<GraphQLSchema> {
  @Resolver(() => SearchHit)
  class SearchResolver {
    @SignedIn()
    @Query(() => [SearchHit], {
      description: 'Customers by name, e-mail or phone; products; knowledge articles — ranked; each domain answers only with what the caller may read',
    })
    async search(
      @Arg('query', () => String) query: string,
      @Arg('first', () => Int, { defaultValue: 10 }) first: number,
      @Ctx() context: GatewayContext,
    ): Promise<SearchHit[]> {
      const term = searchTerm(query);
      if (term.length < 2) throw badInput('query must have at least 2 characters', 'query');
      const lists = await Promise.all(domains.map((domain) => domain.search(term, hitCount(first, 50), context)));
      return lists
        .flatMap((hits) => {
          const best = Math.max(...hits.map((hit) => hit.score), Number.EPSILON);
          return hits.map((hit) => ({ ...hit, score: Math.round((hit.score / best) * 1e6) / 1e6, raw: hit.score }));
        })
        .sort((a, b) => b.score - a.score || b.raw - a.raw)
        .slice(0, first)
        .map(({ raw: _raw, ...hit }) => hit);
    }
  }
  return buildFederatedSchema({ resolvers: [SearchResolver] });
}
