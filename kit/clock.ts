/** The time, as an adapter: periodic jobs ask it, so a test or a replay can run them at a time of its choosing. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
