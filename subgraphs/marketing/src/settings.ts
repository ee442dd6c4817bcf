import { count, defineSettings, oneOf, optionalText, secret, text } from '@crm/kit/settings.js';

/** What marketing reads from the environment (checked when it starts). */
export const marketingSettings = defineSettings(
  'marketing',
  {
    OUTBOUND_CHANNEL: oneOf(['recording', 'smtp'], 'recording', 'where messages to customers go: smtp, or recording (kept in memory; nothing leaves)'),
    SMTP_HOST: optionalText('the SMTP server (OUTBOUND_CHANNEL=smtp)'),
    SMTP_PORT: count(587, 'its port (465: TLS from the start)'),
    SMTP_FROM: optionalText('the sender address of messages to customers'),
    QUIET_HOURS: text('21:00-08:00', 'local hours (DEALER_TIME_ZONE) when no marketing message leaves; they wait until the end (HH:MM-HH:MM, or off)'),
    MARKETING_FREQUENCY_CAP: count(3, 'marketing messages one customer receives at most per MARKETING_FREQUENCY_DAYS (more are SUPPRESSED)'),
    MARKETING_FREQUENCY_DAYS: count(7, 'the window of the frequency cap, in days'),
    EMAIL_PER_SECOND: count(20, 'e-mails handed to the provider per second at most, per replica'),
    SMS_PER_SECOND: count(5, 'text messages handed to the provider per second at most, per replica'),
    PROVIDER_WEBHOOK_SECRET: secret(24, "signs the provider's delivery/open/click/bounce reports to /public/marketing/provider-events (unset: no webhook)"),
    MESSAGE_MAX_ATTEMPTS: count(10, 'attempts to hand a message to its provider before it is FAILED (retried with exponential backoff)'),
  },
  (settings) => [
    ...(settings.QUIET_HOURS === 'off' || /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/.test(settings.QUIET_HOURS)
      ? []
      : [`QUIET_HOURS: must be HH:MM-HH:MM, e.g. 21:00-08:00, or off (got "${settings.QUIET_HOURS}")`]),
    ...(settings.OUTBOUND_CHANNEL === 'smtp'
      ? [
          ...(settings.SMTP_HOST ? [] : ['SMTP_HOST: is needed with OUTBOUND_CHANNEL=smtp (it is not set)']),
          ...(settings.SMTP_FROM ? [] : ['SMTP_FROM: is needed with OUTBOUND_CHANNEL=smtp (it is not set)']),
        ]
      : []),
  ],
);
