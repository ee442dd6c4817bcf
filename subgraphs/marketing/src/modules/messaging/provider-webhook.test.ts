import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { verifyWebhookSignature } from './provider-webhook.js';

const secret = 'whsec-test-0123456789abcdef';
const body = Buffer.from('{"events":[{"messageId":"<m1@dealer>","type":"DELIVERED"}]}');
const sign = (id: string, timestamp: number, payload: Buffer, key = secret) =>
  `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(payload).digest('base64')}`;

describe('verifyWebhookSignature (Standard Webhooks)', () => {
  const now = 1_800_000_000;
  it('accepts the signature of the id, the timestamp and the exact body', () => {
    expect(verifyWebhookSignature(secret, { id: 'msg_1', timestamp: String(now), signature: sign('msg_1', now, body) }, body, now)).toBe(true);
    // One of several signatures (a secret being rotated) is enough.
    const both = `v1,bm90LXRoaXMtb25l ${sign('msg_1', now, body)}`;
    expect(verifyWebhookSignature(secret, { id: 'msg_1', timestamp: String(now), signature: both }, body, now)).toBe(true);
  });
  it('refuses another body, another secret, a replayed old timestamp and missing headers', () => {
    const signature = sign('msg_1', now, body);
    expect(verifyWebhookSignature(secret, { id: 'msg_1', timestamp: String(now), signature }, Buffer.from('{"events":[]}'), now)).toBe(false);
    expect(
      verifyWebhookSignature(secret, { id: 'msg_1', timestamp: String(now), signature: sign('msg_1', now, body, 'another-secret-0123456789') }, body, now),
    ).toBe(false);
    expect(verifyWebhookSignature(secret, { id: 'msg_1', timestamp: String(now), signature }, body, now + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, { id: 'msg_2', timestamp: String(now), signature }, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, { timestamp: String(now), signature }, body, now)).toBe(false);
  });
});
