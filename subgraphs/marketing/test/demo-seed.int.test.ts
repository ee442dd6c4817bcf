import { describe, expect, it } from '@jest/globals';
import { DEMO } from '@crm/demo/ids.js';
import { createLogger } from '@crm/kit/logger.js';
import { Campaign } from '../src/modules/campaign/campaign.entity.js';
import { campaignMetrics } from '../src/modules/campaign/campaign.queries.js';
import { Interaction, InteractionChannel } from '../src/modules/interaction/interaction.entity.js';
import { Segment } from '../src/modules/segment/segment.entity.js';
import { segmentsOfCustomers, segmentSizes } from '../src/modules/segment/segment.membership.js';
import { SequenceEnrolment, SequenceEnrolmentStatus } from '../src/modules/sequence/sequence.entity.js';
import { npsSummary } from '../src/modules/survey/survey.queries.js';
import { seedMarketingDemo } from '../src/seeders/demo.seeder.js';
import { useFreshMarketingDatabase } from './database.js';

const { orm } = useFreshMarketingDatabase();

describe('the demo seed', () => {
  it('tells stories 1, 3 and 4 and is idempotent', async () => {
    const log = createLogger('test');
    await orm()
      .em.fork()
      .transactional((em) => seedMarketingDemo(em, log));
    await orm()
      .em.fork()
      .transactional((em) => seedMarketingDemo(em, log));
    const em = orm().em.fork();
    const segment = await em.findOneOrFail(Segment, { name: 'SUV interest' });
    const [members] = await segmentsOfCustomers(em, [DEMO.customers.janNovak]);
    expect(members?.map((s) => s.name)).toContain('SUV interest');
    expect(await segmentSizes(em, [segment])).toEqual([1]);
    const campaign = await em.findOneOrFail(Campaign, { segmentId: segment.id });
    expect(campaign.status).toBe('RUNNING');
    expect(await campaignMetrics(em, [campaign.id])).toEqual([
      { campaignId: campaign.id, sent: 1, delivered: 1, opened: 1, clicked: 1, converted: 0, unsubscribed: 0 },
    ]);
    expect(await em.count(SequenceEnrolment, { customerId: DEMO.customers.janNovak, status: SequenceEnrolmentStatus.ACTIVE })).toBe(1);
    expect(await npsSummary(em, null)).toMatchObject({ responses: 2, promoters: 1, detractors: 1, nps: 0 });
    expect(await em.count(Interaction, { customerId: DEMO.customers.evaHorakova, channel: InteractionChannel.SOCIAL })).toBe(2);
  });
});
