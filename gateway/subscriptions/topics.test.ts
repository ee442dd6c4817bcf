import { describe, expect, it } from '@jest/globals';
import { EVENTS, type EventType } from '@crm/kit/event-catalog.js';
import { topics } from './topics.js';
import { UNFOLLOWED_EVENTS } from './unfollowed-events.js';

describe('the change feed', () => {
  const followed = new Set(Object.values(topics).flatMap((topic) => topic.events as readonly EventType[]));

  it('follows every event type of the catalog, except those written down with why', () => {
    const neither = (Object.keys(EVENTS) as EventType[]).filter((type) => !followed.has(type) && !(type in UNFOLLOWED_EVENTS));
    expect(neither).toEqual([]);
  });

  it('writes down only event types that no subscription follows', () => {
    expect(Object.keys(UNFOLLOWED_EVENTS).filter((type) => followed.has(type as EventType))).toEqual([]);
  });
});
