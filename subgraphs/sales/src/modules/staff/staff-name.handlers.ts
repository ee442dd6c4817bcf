import { defineHandler } from '@crm/kit/consumer.js';
import { keepNames } from './staff-names.js';

/**
 * identity's staff names and whether they are active, kept in sales (staff-name.entity.ts). A rebuild after falling
 * behind the retention window forgets them all: the next request that needs a name reads them all again from
 * identity (staff-names.ts); until then, everyone counts as active.
 */
export const staffNames = defineHandler({
  name: 'sales.staff-names',
  on: ['UserCreated', 'UserChanged'],
  // Events written before they carried the name tell nothing to keep.
  when: (event) => event.payload.name !== undefined && event.payload.aggregateVersion !== undefined,
  async handle(em, event) {
    const { userId, name, aggregateVersion } = event.payload;
    // A new member of staff is active; UserChanged says whether they still are.
    const active = event.type === 'UserChanged' ? event.payload.active : true;
    await keepNames(em, [{ userId, name: name!, active, userVersion: aggregateVersion! }]);
  },
  afterExpiry: {
    async rebuild(em) {
      await em.execute('delete from staff_name', [], 'run');
    },
  },
});
