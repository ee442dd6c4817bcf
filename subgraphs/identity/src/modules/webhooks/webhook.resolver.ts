import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import { EVENTS } from '@crm/kit/event-catalog.js';
import { shownOnce } from '@crm/kit/mutations.js';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { IdentityContext } from '../../context.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { RegisterWebhookEndpointInput, ReplayWebhookDeliveriesInput, UpdateWebhookEndpointInput } from './webhook.inputs.js';
import { FORWARDABLE_EVENT_TYPES, permissionsToReceive } from './webhook.events.js';
import { webhookEndpointsPage } from './webhook.queries.js';
import {
  deleteWebhookEndpoint,
  findEndpoint,
  pauseWebhookEndpoint,
  registerWebhookEndpoint,
  replayWebhookDeliveries,
  resumeWebhookEndpoint,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from './webhook.service.js';

@ObjectType()
export class WebhookEndpointConnection extends ConnectionType(WebhookEndpoint) {}

@ObjectType()
export class WebhookDeliveryConnection extends ConnectionType(WebhookDelivery) {}

@ObjectType({ description: 'An endpoint with its signing secret: the only time the secret is shown' })
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint) endpoint!: WebhookEndpoint;
  @Field({ description: 'whsec_…: verify each delivery with it (Standard Webhooks). Store it now: it is not shown again' }) secret!: string;
}

@ObjectType()
export class WebhookReplay {
  @Field(() => WebhookEndpoint) endpoint!: WebhookEndpoint;
  @Field(() => Int, { description: 'Deliveries queued again' }) queued!: number;
}

@ObjectType({ description: 'An event type a webhook can carry, and what its owner must be allowed to receive it' })
export class WebhookEventType {
  @Field() type!: string;
  @Field() aggregateType!: string;
  @Field(() => [String], { description: 'Every one of these, e.g. ["customers:read", "pii:read"]' }) permissions!: string[];
}

const LOST_SECRET = 'If that answer was lost, call rotateWebhookSecret for this endpoint (with a new Idempotency-Key) to get a new secret.';

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Allow('webhooks:manage')
  @Query(() => WebhookEndpointConnection, { description: 'Webhook endpoints, newest first (a partner’s key sees its own)' })
  async webhookEndpoints(@Args() page: PageArgs, @Ctx() { em, viewer }: IdentityContext): Promise<WebhookEndpointConnection> {
    return connectionOf(WebhookEndpointConnection, await webhookEndpointsPage(em, viewer, page));
  }

  @Allow('webhooks:manage')
  @Query(() => [WebhookEventType], { description: 'The event types webhooks carry (the payload of each: kit/event-catalog.ts)' })
  webhookEventTypes(): WebhookEventType[] {
    return FORWARDABLE_EVENT_TYPES.map((type) => ({ type, aggregateType: EVENTS[type].aggregate, permissions: permissionsToReceive(type)! }));
  }

  @Allow('webhooks:manage')
  @Query(() => WebhookEndpoint, { nullable: true })
  webhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() { em, viewer }: IdentityContext): Promise<WebhookEndpoint | null> {
    // Another key's endpoint is answered like a missing one: null, as for any unknown id.
    return findEndpoint(em, viewer, id).catch((error: { extensions?: { code?: string } }) => {
      if (error.extensions?.code === 'NOT_FOUND') return null;
      throw error;
    });
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'The delivery log, newest first: status, attempts, the answers' })
  async deliveries(@Root() endpoint: WebhookEndpoint, @Args() page: PageArgs, @Ctx() { loaders }: IdentityContext): Promise<WebhookDeliveryConnection> {
    const found = await loaders.deliveriesByEndpoint(page).load(endpoint.id);
    return connectionOf(WebhookDeliveryConnection, found, () => loaders.deliveryCountByEndpoint.load(endpoint.id));
  }

  @Allow('webhooks:manage')
  @Mutation(() => WebhookEndpointWithSecret, { description: 'Registers an endpoint for the event types its owner may read; shows its signing secret once' })
  async registerWebhookEndpoint(@Arg('input') input: RegisterWebhookEndpointInput, @Ctx() { em, viewer }: IdentityContext): Promise<WebhookEndpointWithSecret> {
    return shownOnce(await registerWebhookEndpoint(em, viewer, input), ['secret'], LOST_SECRET);
  }

  @Allow('webhooks:manage')
  @Mutation(() => WebhookEndpoint)
  updateWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateWebhookEndpointInput,
    @Ctx() { em, viewer }: IdentityContext,
  ): Promise<WebhookEndpoint> {
    return updateWebhookEndpoint(em, viewer, id, version, input);
  }

  @Allow('webhooks:manage')
  @Mutation(() => WebhookEndpoint, { description: 'Stops deliveries; events keep queuing for the resume' })
  pauseWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() { em, viewer }: IdentityContext,
  ): Promise<WebhookEndpoint> {
    return pauseWebhookEndpoint(em, viewer, id, version);
  }

  @Allow('webhooks:manage')
  @Mutation(() => WebhookEndpoint, { description: 'Delivers what queued up while paused, each entity’s events in order' })
  resumeWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() { em, viewer }: IdentityContext,
  ): Promise<WebhookEndpoint> {
    return resumeWebhookEndpoint(em, viewer, id, version);
  }

  @Allow('webhooks:manage')
  @Mutation(() => WebhookEndpointWithSecret, { description: 'A new signing secret, shown once; the old one stops signing at once' })
  async rotateWebhookSecret(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() { em, viewer }: IdentityContext,
  ): Promise<WebhookEndpointWithSecret> {
    return shownOnce(await rotateWebhookSecret(em, viewer, id, version), ['secret'], LOST_SECRET);
  }

  @Allow('webhooks:manage')
  @Mutation(() => ID, { description: 'Removes the endpoint and its delivery log; answers its id' })
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() { em, viewer }: IdentityContext): Promise<string> {
    return deleteWebhookEndpoint(em, viewer, id, version);
  }

  @Allow('webhooks:manage')
  @Mutation(() => WebhookReplay, { description: 'Delivers again, in order, the events after `input.after` (an event.cursor from the delivery log)' })
  replayWebhookDeliveries(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: ReplayWebhookDeliveriesInput,
    @Ctx() { em, viewer }: IdentityContext,
  ): Promise<WebhookReplay> {
    return replayWebhookDeliveries(em, viewer, id, version, input.after);
  }
}
