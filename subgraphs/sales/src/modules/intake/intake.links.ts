import { LEAD_FOLLOW, signLinkToken } from '@crm/kit/access/link-token.js';
import { sales } from '../../settings.js';

/**
 * The token a web form's client follows its lead with (leadChanged over the gateway's graphql-ws, sent as
 * `connectionParams: { followToken }`): it names this lead only and expires after LEAD_FOLLOW_TOKEN_MINUTES.
 */
export function leadFollowToken(leadId: string): Promise<string> {
  return signLinkToken(LEAD_FOLLOW, leadId, new Date(Date.now() + sales().LEAD_FOLLOW_TOKEN_MINUTES * 60_000));
}
