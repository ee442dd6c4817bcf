import { checkWebhookUrl } from './webhook.url.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
    return null;
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
};

describe('a webhook URL at registration', () => {
  it('is https, without credentials, on a public host', () => {
    expect(checkWebhookUrl(' https://partner.example/hooks#x ', false)).toBe('https://partner.example/hooks');
    for (const url of [
      'http://partner.example/hooks',
      'ftp://partner.example/hooks',
      'https://user:pass@partner.example/hooks',
      'https://localhost/hooks',
      'https://LOCALHOST./hooks',
      'https://localhost.:443/hooks',
      'https://metadata.google.internal./',
      'https://127.0.0.1/hooks',
      'https://[::1]/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://10.1.2.3/hooks',
      'https://[::ffff:192.168.0.1]/hooks',
      'https://metadata.google.internal/',
      'not a url',
    ]) {
      expect([url, codeOf(() => checkWebhookUrl(url, false))]).toEqual([url, 'BAD_USER_INPUT']);
    }
  });

  it('may be http:// and local where private networks are allowed (development and tests)', () => {
    expect(checkWebhookUrl('http://127.0.0.1:8080/hooks', true)).toBe('http://127.0.0.1:8080/hooks');
    expect(codeOf(() => checkWebhookUrl('ftp://127.0.0.1/hooks', true))).toBe('BAD_USER_INPUT');
  });
});
