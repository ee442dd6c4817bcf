import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Allow, Public } from '@crm/kit/access/decorators.js';
import { recordEvent } from '@crm/kit/events.js';
import type { SalesContext } from '../../context.js';
import { Lead } from '../lead/lead.entity.js';
import { CreateWebFormInput, WebFormInput } from './intake.inputs.js';
import { submitWebForm } from './intake.service.js';
import { WebForm } from './web-form.entity.js';
import { newWebFormKey } from './web-form.throttle.js';
import { leadFollowToken } from './intake.links.js';
import { inputOrDeprecated, inputRequiredFrom, useInstead } from '@crm/kit/argument-forms.js';
import { badInput } from '@crm/kit/errors.js';

@Resolver()
export class IntakeResolver {
  @Public("the dealer's web forms post here without a user; the form's public key and throttling protect it")
  @Mutation(() => Lead, {
    description:
      'Public (no sign-in): a web-form submission creates a lead; identity resolves the person and the lead is scored and routed. ' +
      "Needs the form's public key; throttled per form, client address and e-mail (RATE_LIMITED with retryAfterSeconds). " +
      'Retrying with the same submissionId returns the same lead. Its followToken lets the form follow the lead live (leadChanged)',
  })
  async submitWebForm(@Arg('input') input: WebFormInput, @Ctx() { em, viewer }: SalesContext): Promise<Lead> {
    const lead = await submitWebForm(em, input, viewer.ip);
    lead.followToken = await leadFollowToken(lead.id);
    return lead;
  }

  @Allow('pipelines:manage')
  @Query(() => [WebForm], { description: 'The forms that may post leads, by name' })
  webForms(@Ctx() { em }: SalesContext): Promise<WebForm[]> {
    return em.find(WebForm, {}, { orderBy: { name: 'asc' } });
  }

  @Allow('pipelines:manage')
  @Mutation(() => WebForm, { description: 'Registers a form and gives it a public key for its page' })
  async createWebForm(
    @Arg('input', () => CreateWebFormInput, { nullable: true, description: inputRequiredFrom('The form') }) input: CreateWebFormInput | null,
    @Arg('name', () => String, { nullable: true, deprecationReason: useInstead('input: { name }') }) name: string | null,
    @Ctx() { em }: SalesContext,
  ): Promise<WebForm> {
    const given = inputOrDeprecated(input, { name }, ['name']);
    if (!given.name.trim()) throw badInput('name must not be empty', 'input.name');
    const form = em.create(WebForm, { name: given.name.trim(), publicKey: newWebFormKey() });
    recordEvent(em, { type: 'WebFormCreated', aggregateId: form.id, payload: { webFormId: form.id, name: form.name } });
    await em.flush();
    return form;
  }
}
