import { registerEnumType } from 'type-graphql';

export enum InteractionChannel {
  WEB = 'WEB',
  APP = 'APP',
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  PUSH = 'PUSH',
  PHONE = 'PHONE',
  CHAT = 'CHAT',
  SOCIAL = 'SOCIAL',
  MESSENGER = 'MESSENGER',
  IN_STORE = 'IN_STORE',
  WEBINAR = 'WEBINAR',
}
registerEnumType(InteractionChannel, { name: 'InteractionChannel' });

export enum InteractionType {
  PAGE_VIEW = 'PAGE_VIEW',
  FORM_SUBMIT = 'FORM_SUBMIT',
  DOWNLOAD = 'DOWNLOAD',
  SEARCH = 'SEARCH',
  CART_ABANDONED = 'CART_ABANDONED',
  MESSAGE_SENT = 'MESSAGE_SENT',
  MESSAGE_DELIVERED = 'MESSAGE_DELIVERED',
  MESSAGE_OPENED = 'MESSAGE_OPENED',
  MESSAGE_CLICKED = 'MESSAGE_CLICKED',
  CALL = 'CALL',
  MEETING = 'MEETING',
  VISIT = 'VISIT',
  QUOTE_SENT = 'QUOTE_SENT',
  QUOTE_VIEWED = 'QUOTE_VIEWED',
  CASE_MESSAGE = 'CASE_MESSAGE',
  SURVEY_RESPONSE = 'SURVEY_RESPONSE',
  CONVERSION = 'CONVERSION',
  /** A message the person wrote to the dealer (e.g. an e-mail, perhaps from a sender not known yet). */
  MESSAGE_RECEIVED = 'MESSAGE_RECEIVED',
}
registerEnumType(InteractionType, { name: 'InteractionType' });
