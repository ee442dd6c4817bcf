import { OutboxEvent } from '../../kit/events.js';
import { Customer } from './modules/customer/customer.entity.js';
import { Identifier } from './modules/customer/identifier.entity.js';
import { User } from './modules/staff/user.entity.js';

export const identityEntities = [Customer, Identifier, User, OutboxEvent];
