import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { mutation, outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { CaseChannel } from '../src/modules/case/case.enums.js';
import { openCase } from '../src/modules/case/case.service.js';
import { KnowledgeArticleStatus } from '../src/modules/knowledge/knowledge-article.entity.js';
import { searchArticles, suggestArticlesForCases } from '../src/modules/knowledge/knowledge-article.queries.js';
import { createKnowledgeArticle, getKnowledgeArticle, publishKnowledgeArticle } from '../src/modules/knowledge/knowledge-article.service.js';
import { freshServiceDatabase } from './database.js';

let orm: MikroORM;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ orm, drop } = await freshServiceDatabase());
});
afterAll(() => drop());

/** A unit of work of its own for reads, as each request gets; `write` runs a change as the API runs a mutation. */
const em = () => orm.em.fork();
const write = <T>(change: (em: EntityManager) => Promise<T>) => mutation(orm, change);
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const article = (title: string, body: string, tags: string[] = [], status = KnowledgeArticleStatus.DRAFT) =>
  write((em) => createKnowledgeArticle(em, { title, body, tags, status }));
const titles = (hits: Array<{ article: { title: string } }> | undefined) => hits!.map((h) => h.article.title);

describe('the knowledge base', () => {
  it('finds only published articles; publishing a draft makes it findable, once', async () => {
    const draft = await article(' Pairing your phone ', 'Bluetooth pairing steps for the infotainment system.', [' Bluetooth', 'bluetooth', 'Phone']);
    expect(draft).toMatchObject({ title: 'Pairing your phone', status: 'DRAFT', tags: ['bluetooth', 'phone'] });
    await article('Resetting the service interval', 'How to reset the service interval indicator.', [], KnowledgeArticleStatus.PUBLISHED);
    expect(titles(await searchArticles(em(), 'bluetooth pairing', 10))).toEqual([]);

    const published = await write((em) => publishKnowledgeArticle(em, draft.id, draft.version));
    expect(published).toMatchObject({ status: 'PUBLISHED', version: draft.version + 1 });
    expect(await outboxTypes(orm, draft.id)).toEqual(['KnowledgeArticleCreated', 'KnowledgeArticlePublished']);
    const hits = await searchArticles(em(), 'bluetooth pairing', 10);
    expect(titles(hits)).toEqual(['Pairing your phone']);
    expect(hits[0]!.score).toBeGreaterThan(0);
    // Web-search syntax: a word can be left out.
    expect(titles(await searchArticles(em(), 'service -interval', 10))).toEqual([]);

    expect(await refusal(write((em) => publishKnowledgeArticle(em, draft.id, published.version)))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: `Article ${draft.id} is already published`,
    });
    expect((await refusal(write((em) => publishKnowledgeArticle(em, draft.id, draft.version)))).code).toBe('CONFLICT');
    expect((await refusal(write((em) => publishKnowledgeArticle(em, UNKNOWN_ID, 1)))).code).toBe('NOT_FOUND');
    expect((await getKnowledgeArticle(em(), draft.id)).version).toBe(published.version);
    expect((await refusal(searchArticles(em(), '  ', 10))).code).toBe('BAD_USER_INPUT');
    expect((await refusal(searchArticles(em(), 'phone', 51))).code).toBe('BAD_USER_INPUT');
  });

  it("suggests published articles for each case from the case's own words, in one statement", async () => {
    await article('Air conditioning blows warm air', 'Check the air conditioning refrigerant and the cabin filter.', [], KnowledgeArticleStatus.PUBLISHED);
    await article('Winter tyres', 'When to change to winter tyres.', [], KnowledgeArticleStatus.PUBLISHED);
    await article('Air conditioning draft', 'Not published yet: air conditioning.', []);
    const open = (subject: string, description: string) =>
      write((em) => openCase(em, { customerId: randomUUID(), subject, description, channel: CaseChannel.EMAIL }));
    const warm = await open('Warm air', 'The air conditioning stopped cooling.');
    const tyres = await open('Tyres', 'Which winter tyres fit?');
    const nothing = await open('Invoice copy', 'Please send a copy.');
    const [forWarm, forTyres, forNothing] = await suggestArticlesForCases(em(), [warm.id, tyres.id, nothing.id], 3);
    expect(titles(forWarm)[0]).toBe('Air conditioning blows warm air');
    expect(titles(forWarm)).not.toContain('Air conditioning draft');
    expect(titles(forTyres)).toEqual(['Winter tyres']);
    expect(forNothing).toEqual([]);
  });
});
