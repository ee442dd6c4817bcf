import { DEFAULT_RETRY_SCHEDULE, retrySchedule, webhookSettings } from './webhook.settings.js';

describe('the webhook retry schedule', () => {
  it('retries for at least 24 hours by default, with growing waits', () => {
    const delays = retrySchedule(DEFAULT_RETRY_SCHEDULE)!;
    expect(delays.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(delays.every((ms, i) => i === 0 || ms >= delays[i - 1]!)).toBe(true);
  });

  it('takes seconds (fractions too) and refuses anything else at start-up', () => {
    expect(retrySchedule('0.5, 1,2')).toEqual([500, 1000, 2000]);
    for (const bad of ['', '5,,10', '5,-1', 'soon']) expect(retrySchedule(bad)).toBeNull();
    expect(webhookSettings.problems({ WEBHOOK_RETRY_SCHEDULE: '5,x' })).toEqual([
      'WEBHOOK_RETRY_SCHEDULE: must be seconds separated by commas, e.g. 5,30,120 (got "5,x")',
    ]);
  });
});
