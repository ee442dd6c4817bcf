import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { marketingSettings } from '../../settings.js';

const limiters = new Map<string, RateLimiterMemory>();

function limiterFor(channel: string): RateLimiterMemory {
  let limiter = limiters.get(channel);
  if (!limiter) {
    const settings = marketingSettings.read();
    limiter = new RateLimiterMemory({ points: channel === 'SMS' ? settings.SMS_PER_SECOND : settings.EMAIL_PER_SECOND, duration: 1 });
    limiters.set(channel, limiter);
  }
  return limiter;
}

/** Waits for the channel's next free slot (EMAIL_PER_SECOND, SMS_PER_SECOND per replica): providers cap senders. */
export async function awaitChannelSlot(channel: string): Promise<void> {
  for (;;) {
    try {
      await limiterFor(channel).consume(channel);
      return;
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      await new Promise((resolve) => setTimeout(resolve, refused.msBeforeNext));
    }
  }
}
