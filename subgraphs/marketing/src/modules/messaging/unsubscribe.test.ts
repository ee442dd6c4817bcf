import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readLinkToken } from '@crm/kit/access/link-token.js';
import { CLICK, trackLinks, withoutCustomerTokens } from './unsubscribe.js';

// The worker's environment is shared with the test files after this one: put back what was there.
const before = { PLATFORM_SECRET: process.env.PLATFORM_SECRET, PUBLIC_URL: process.env.PUBLIC_URL };
beforeAll(() => {
  process.env.PLATFORM_SECRET ??= 'a-test-secret-of-at-least-32-characters!';
  process.env.PUBLIC_URL = 'https://crm.dealer.example';
});
afterAll(() => {
  for (const [name, value] of Object.entries(before)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("a marketing message's links", () => {
  it('each go through a click link to where the message said, also where one address begins another', async () => {
    const text = 'Nové modely: https://dealer.example/suv a ceník https://dealer.example/suv/cenik (https://dealer.example/suv).';
    const tracked = await trackLinks(text, 'send-1');
    const clicks = tracked.match(/https:\/\/crm\.dealer\.example\/public\/marketing\/click\/[\w.-]+/g)!;
    expect(clicks).toHaveLength(3);
    const targets = await Promise.all(clicks.map(async (link) => (await readLinkToken(CLICK, link.split('/').at(-1)!)).subject));
    expect(targets).toEqual(['send-1 https://dealer.example/suv', 'send-1 https://dealer.example/suv/cenik', 'send-1 https://dealer.example/suv']);
    expect(tracked.replace(/https:\/\/\S+?(?=[ )])/g, 'LINK')).toBe('Nové modely: LINK a ceník LINK (LINK).');
  });

  it('are shown to staff without the tokens that act as the customer', () => {
    const body =
      'Nabídka: https://crm.dealer.example/public/sales/quotes/eyJhbGci.eyJzdWIi.sig\nOdhlásit: https://crm.dealer.example/public/marketing/unsubscribe/abc.def.ghi';
    expect(withoutCustomerTokens(body)).toBe(
      'Nabídka: https://crm.dealer.example/public/sales/quotes/…\nOdhlásit: https://crm.dealer.example/public/marketing/unsubscribe/…',
    );
    expect(withoutCustomerTokens('https://dealer.example/suv')).toBe('https://dealer.example/suv');
  });
});
