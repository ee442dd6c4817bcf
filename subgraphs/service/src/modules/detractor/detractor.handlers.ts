import { platform } from '@crm/kit/config.js';
import { defineHandler } from '@crm/kit/consumer.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { Case } from '../case/case.entity.js';
import { CaseCategory, CaseChannel, CaseLine, CasePriority } from '../case/case.enums.js';
import { openCase } from '../case/case.service.js';

/** An NPS answer of 6 or less: the customer would not recommend us. */
const NPS_DETRACTOR_MAX = 6;

/**
 * DOMAIN Story 4: an NPS detractor is followed up. With NPS_DETRACTOR_FOLLOW_UP=case, service opens a complaint
 * case for the customer (HIGH priority for 0–3), which the assignment rules give to an agent; once per survey answer.
 */
export const npsDetractorCase = defineHandler({
  name: 'service.nps-detractor-case',
  on: ['SurveyAnswered'],
  when: (event) => event.payload.score <= NPS_DETRACTOR_MAX && platform().NPS_DETRACTOR_FOLLOW_UP === 'case',
  async handle(em, event) {
    const { surveyResponseId, score } = event.payload;
    const customerId = await liveCustomerId(em, event.payload.customerId);
    const tag = `survey answer ${surveyResponseId}`;
    if ((await em.count(Case, { customerId, description: { $like: `%${tag}%` } })) > 0) return; // followed up already
    await openCase(em, {
      customerId,
      subject: `Unhappy customer: NPS ${score}`,
      description: `The customer answered ${score} of 10 in the NPS survey (${tag}). Call them back and find out why.`,
      channel: CaseChannel.WEB,
      category: CaseCategory.COMPLAINT,
      priority: score <= 3 ? CasePriority.HIGH : CasePriority.NORMAL,
      line: CaseLine.FIRST,
    });
  },
  afterExpiry: {
    skip: { lost: 'NPS detractors who answered in the missed events got no case: find them in marketing (surveys, score 6 or less)' },
  },
});
