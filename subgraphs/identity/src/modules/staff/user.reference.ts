import { isUuid } from '../../../../kit/ids.js';
import type { IdentityContext } from '../../context.js';

export const userReference = {
  User: {
    __resolveReference: (reference: { id: string }, context: IdentityContext) =>
      isUuid(reference.id) ? context.loaders.userById.load(reference.id.toLowerCase()) : null,
  },
};
