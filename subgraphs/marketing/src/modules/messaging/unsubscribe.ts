import { signLinkToken } from '@crm/kit/access/link-token.js';
import { publicUrl } from '@crm/kit/config.js';

/** The purpose of the token in a marketing message's unsubscribe link (it names the message). */
export const UNSUBSCRIBE = 'unsubscribe';
const LINK_VALID_MS = 365 * 86_400_000;

/** The link at the foot of every marketing message (and its List-Unsubscribe header). */
export async function unsubscribeUrl(messageSendId: string): Promise<string> {
  const token = await signLinkToken(UNSUBSCRIBE, messageSendId, new Date(Date.now() + LINK_VALID_MS));
  return `${publicUrl()}/public/marketing/unsubscribe/${token}`;
}
