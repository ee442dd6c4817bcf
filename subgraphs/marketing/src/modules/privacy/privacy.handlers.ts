import { erasePersonalData, erasureHandler } from '@crm/kit/privacy.js';
import { marketingPersonalData } from './privacy.tables.js';

export const marketingErasure = erasureHandler('marketing', (em, customerIds) => erasePersonalData(em, marketingPersonalData, customerIds));
