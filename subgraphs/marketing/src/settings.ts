import { count, defineSettings, oneOf, optionalText } from '@crm/kit/settings.js';

/** What marketing reads from the environment (checked when it starts). */
export const marketingSettings = defineSettings(
  'marketing',
  {
    OUTBOUND_CHANNEL: oneOf(['recording', 'smtp'], 'recording', 'where messages to customers go: smtp, or recording (kept in memory; nothing leaves)'),
    SMTP_HOST: optionalText('the SMTP server (OUTBOUND_CHANNEL=smtp)'),
    SMTP_PORT: count(587, 'its port (465: TLS from the start)'),
    SMTP_FROM: optionalText('the sender address of messages to customers'),
  },
  (settings) =>
    settings.OUTBOUND_CHANNEL === 'smtp'
      ? [
          ...(settings.SMTP_HOST ? [] : ['SMTP_HOST: is needed with OUTBOUND_CHANNEL=smtp (it is not set)']),
          ...(settings.SMTP_FROM ? [] : ['SMTP_FROM: is needed with OUTBOUND_CHANNEL=smtp (it is not set)']),
        ]
      : [],
);
