import { erasePersonalData, erasureHandler } from '@crm/kit/privacy.js';
import { servicePersonalData } from './privacy.tables.js';

export const serviceErasure = erasureHandler('service', (em, customerIds) => erasePersonalData(em, servicePersonalData, customerIds));
