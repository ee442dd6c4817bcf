import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { CaseChannel } from '../src/modules/case/case.enums.js';
import { openCase } from '../src/modules/case/case.service.js';
import { KnowledgeArticleStatus } from '../src/modules/knowledge/knowledge-article.entity.js';
import { searchArticles, suggestArticlesForCases } from '../src/modules/knowledge/knowledge-article.queries.js';
import { createKnowledgeArticle, getKnowledgeArticle, publishKnowledgeArticle } from '../src/modules/knowledge/knowledge-article.service.js';
import { em, orm, useFreshServiceDatabase, write } from './database.js';

// The knowledge base's articles, full-text search and suggestions on service's own database. A search answers from
// every article of the database, so each describe has a database of its own, holding only the articles it writes.
// Through the gateway: tests/service-case.e2e.test.ts.

const article = (title: string, body: string, tags: string[] = [], status = KnowledgeArticleStatus.DRAFT) =>
  write((em) => createKnowledgeArticle(em, { title, body, tags, status }));
const titles = (hits: Array<{ article: { title: string } }> | undefined) => hits!.map((h) => h.article.title);
const openCaseAbout = (subject: string, description: string) =>
  write((em) => openCase(em, { customerId: randomUUID(), subject, description, channel: CaseChannel.EMAIL }));

describe('searching a known set of articles', () => {
  useFreshServiceDatabase();
  const PUBLISHED = KnowledgeArticleStatus.PUBLISHED;
  let acArticleId: string;
  beforeAll(async () => {
    const ac = 'Air conditioning not cooling after service';
    acArticleId = (await article(ac, 'Refill the refrigerant; the compressor relay may be disconnected.', ['air-conditioning'], PUBLISHED)).id;
    await article('How to pair your phone', 'Open Settings > Bluetooth and add the device.', ['bluetooth'], PUBLISHED);
    await article('Warranty for repairs', 'Repairs carry a 24-month warranty on parts and labour.', ['warranty'], PUBLISHED);
    await article('Secret draft about cooling', 'Cooling cooling cooling air conditioning.', ['draft']);
  });

  it('ranks published articles by full-text relevance with a score', async () => {
    const hits = await searchArticles(em(), 'air conditioning cooled', 5);
    expect(hits[0]?.article).toMatchObject({ id: acArticleId, status: 'PUBLISHED' });
    expect(hits.every((hit) => hit.article.status === 'PUBLISHED' && hit.score > 0)).toBe(true);
    const scores = hits.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(titles(await searchArticles(em(), 'bluetooth', 10))).toEqual(['How to pair your phone']);
  });

  it('suggests published articles for a case from its subject and description', async () => {
    const opened = await openCaseAbout('Air conditioning blows warm air', 'Not cooling since the service');
    const [suggested] = await suggestArticlesForCases(em(), [opened.id], 2);
    // Not the draft about cooling air conditioning, though it matches too.
    expect(suggested!.map((hit) => hit.article.id)).toEqual([acArticleId]);
  });
});

describe('articles written and published', () => {
  useFreshServiceDatabase();

  it('finds only published articles; publishing a draft with its current version makes it findable, once', async () => {
    const draft = await article(' Pairing your phone ', 'Bluetooth pairing steps for the infotainment system.', [' Bluetooth', 'bluetooth', 'Phone']);
    expect(draft).toMatchObject({ title: 'Pairing your phone', status: 'DRAFT', tags: ['bluetooth', 'phone'] });
    await article('Resetting the service interval', 'How to reset the service interval indicator.', [], KnowledgeArticleStatus.PUBLISHED);
    expect(titles(await searchArticles(em(), 'bluetooth pairing', 10))).toEqual([]);
    expect((await refusal(write((em) => publishKnowledgeArticle(em, draft.id, draft.version + 1)))).code).toBe('CONFLICT');

    const published = await write((em) => publishKnowledgeArticle(em, draft.id, draft.version));
    expect(published).toMatchObject({ status: 'PUBLISHED', version: draft.version + 1 });
    expect(await outboxTypes(orm(), draft.id)).toEqual(['KnowledgeArticleCreated', 'KnowledgeArticlePublished']);
    const hits = await searchArticles(em(), 'bluetooth pairing', 10);
    expect(titles(hits)).toEqual(['Pairing your phone']);
    expect(hits[0]!.score).toBeGreaterThan(0);
    // Web-search syntax: a word can be left out.
    expect(titles(await searchArticles(em(), 'service -interval', 10))).toEqual([]);

    expect(await refusal(write((em) => publishKnowledgeArticle(em, draft.id, published.version)))).toMatchObject({
      code: 'CONFLICT',
      message: `Article ${draft.id} is already published`,
      extensions: { field: 'id' },
    });
    expect((await refusal(write((em) => publishKnowledgeArticle(em, draft.id, draft.version)))).code).toBe('CONFLICT');
    expect((await refusal(write((em) => publishKnowledgeArticle(em, UNKNOWN_ID, 1)))).code).toBe('NOT_FOUND');
    expect((await getKnowledgeArticle(em(), draft.id)).version).toBe(published.version);
    expect(await refusal(searchArticles(em(), '  ', 10))).toMatchObject({ code: 'BAD_USER_INPUT', message: 'query must not be empty' });
    expect((await refusal(searchArticles(em(), 'phone', 51))).code).toBe('BAD_USER_INPUT');
  });

  it("suggests published articles for each case from the case's own words, in one statement", async () => {
    await article('Air conditioning blows warm air', 'Check the air conditioning refrigerant and the cabin filter.', [], KnowledgeArticleStatus.PUBLISHED);
    await article('Winter tyres', 'When to change to winter tyres.', [], KnowledgeArticleStatus.PUBLISHED);
    await article('Air conditioning draft', 'Not published yet: air conditioning.', []);
    const warm = await openCaseAbout('Warm air', 'The air conditioning stopped cooling.');
    const tyres = await openCaseAbout('Tyres', 'Which winter tyres fit?');
    const nothing = await openCaseAbout('Invoice copy', 'Please send a copy.');
    const [forWarm, forTyres, forNothing] = await suggestArticlesForCases(em(), [warm.id, tyres.id, nothing.id], 3);
    expect(titles(forWarm)[0]).toBe('Air conditioning blows warm air');
    expect(titles(forWarm)).not.toContain('Air conditioning draft');
    expect(titles(forTyres)).toEqual(['Winter tyres']);
    expect(forNothing).toEqual([]);
  });
});
