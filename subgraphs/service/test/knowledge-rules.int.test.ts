import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { mutation, refusal } from '../../../tests/helpers/integration.js';
import { CaseChannel } from '../src/modules/case/case.enums.js';
import { openCase } from '../src/modules/case/case.service.js';
import { KnowledgeArticleStatus } from '../src/modules/knowledge/knowledge-article.entity.js';
import { searchArticles, suggestArticlesForCases } from '../src/modules/knowledge/knowledge-article.queries.js';
import { createKnowledgeArticle, publishKnowledgeArticle } from '../src/modules/knowledge/knowledge-article.service.js';
import { freshServiceDatabase } from './database.js';

// The knowledge base's full-text search and suggestions on service's own database. Through the gateway:
// tests/service-case.e2e.test.ts.

let orm: MikroORM;
let drop: () => Promise<void>;
const em = () => orm.em.fork();
const write = <T>(change: (em: EntityManager) => Promise<T>) => mutation(orm, change);

const create = (title: string, body: string, tags: string[], status = KnowledgeArticleStatus.PUBLISHED) =>
  write((em) => createKnowledgeArticle(em, { title, body, tags, status }));

let acArticleId: string;
beforeAll(async () => {
  ({ orm, drop } = await freshServiceDatabase());
  acArticleId = (
    await create('Air conditioning not cooling after service', 'Refill the refrigerant; the compressor relay may be disconnected.', ['air-conditioning'])
  ).id;
  await create('How to pair your phone', 'Open Settings > Bluetooth and add the device.', ['bluetooth']);
  await create('Warranty for repairs', 'Repairs carry a 24-month warranty on parts and labour.', ['warranty']);
  await create('Secret draft about cooling', 'Cooling cooling cooling air conditioning.', ['draft'], KnowledgeArticleStatus.DRAFT);
});
afterAll(() => drop());

describe('the knowledge base', () => {
  it('ranks published articles by full-text relevance with a score', async () => {
    const hits = await searchArticles(em(), 'air conditioning cooled', 5);
    expect(hits[0]?.article).toMatchObject({ id: acArticleId, status: 'PUBLISHED' });
    expect(hits.every((hit) => hit.article.status === 'PUBLISHED' && hit.score > 0)).toBe(true);
    const scores = hits.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect((await searchArticles(em(), 'bluetooth', 10)).map((hit) => hit.article.title)).toEqual(['How to pair your phone']);
  });

  it('rejects an empty query and publishes a draft only with the current version', async () => {
    expect(await refusal(searchArticles(em(), '   ', 10))).toMatchObject({ code: 'BAD_USER_INPUT', message: 'query must not be empty' });
    const draft = await write((em) =>
      createKnowledgeArticle(em, {
        title: 'Tyre pressure warning',
        body: 'Reset the tyre pressure monitor after inflating.',
        tags: [],
        status: KnowledgeArticleStatus.DRAFT,
      }),
    );
    expect(draft.status).toBe('DRAFT');
    expect(await searchArticles(em(), 'tyre pressure', 10)).toEqual([]);
    expect((await refusal(write((em) => publishKnowledgeArticle(em, draft.id, draft.version + 1)))).code).toBe('CONFLICT');
    await write((em) => publishKnowledgeArticle(em, draft.id, draft.version));
    expect((await searchArticles(em(), 'tyre pressure', 10))[0]?.article.id).toBe(draft.id);
  });

  it('suggests articles for a case from its subject and description', async () => {
    const opened = await write((em) =>
      openCase(em, {
        customerId: randomUUID(),
        subject: 'Air conditioning blows warm air',
        description: 'Not cooling since the service',
        channel: CaseChannel.EMAIL,
      }),
    );
    const [suggested] = await suggestArticlesForCases(em(), [opened.id], 2);
    expect(suggested![0]?.article.id).toBe(acArticleId);
    expect(suggested!.length).toBeLessThanOrEqual(2);
  });
});
