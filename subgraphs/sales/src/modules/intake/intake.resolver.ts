import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { SalesContext } from '../../context.js';
import { Lead } from '../lead/lead.entity.js';
import { WebFormInput } from './intake.inputs.js';
import { submitWebForm } from './intake.service.js';
import { Public } from '../../../../kit/access/decorators.js';

@Resolver()
export class IntakeResolver {
  @Public('the dealer\'s web forms post here without a user; the form\'s public key and throttling protect it')
  @Mutation(() => Lead, {
    description: 'A web-form submission: creates a lead; identity resolves the person and the lead is scored and routed. Retrying with the same submissionId returns the same lead',
  })
  submitWebForm(@Arg('input') input: WebFormInput, @Ctx() { em }: SalesContext): Promise<Lead> {
    return submitWebForm(em, input);
  }
}
