import { registerEnumType } from 'type-graphql';

export enum CaseStatus {
  NEW = 'NEW',
  OPEN = 'OPEN',
  PENDING = 'PENDING',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
}
registerEnumType(CaseStatus, { name: 'CaseStatus' });

export enum CasePriority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}
registerEnumType(CasePriority, { name: 'CasePriority' });

export enum CaseChannel {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  CHAT = 'CHAT',
  SOCIAL = 'SOCIAL',
  MESSENGER = 'MESSENGER',
  WEB = 'WEB',
  IN_STORE = 'IN_STORE',
}
registerEnumType(CaseChannel, { name: 'CaseChannel' });

export enum CaseCategory {
  COMPLAINT = 'COMPLAINT',
  TECHNICAL = 'TECHNICAL',
  BILLING = 'BILLING',
  WARRANTY = 'WARRANTY',
  GENERAL = 'GENERAL',
}
registerEnumType(CaseCategory, { name: 'CaseCategory' });

export enum CaseLine {
  FIRST = 'FIRST',
  SECOND = 'SECOND',
}
registerEnumType(CaseLine, { name: 'CaseLine', description: 'Line of support: FIRST handles most cases, SECOND takes escalations' });

export enum CaseOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  OLDEST_FIRST = 'OLDEST_FIRST',
  FIRST_RESPONSE_DUE_SOONEST = 'FIRST_RESPONSE_DUE_SOONEST',
  RESOLUTION_DUE_SOONEST = 'RESOLUTION_DUE_SOONEST',
}
registerEnumType(CaseOrder, { name: 'CaseOrder' });
