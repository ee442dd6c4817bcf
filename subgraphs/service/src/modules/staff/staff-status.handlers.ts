import { defineHandler } from '@crm/kit/consumer.js';

/**
 * Whether each member of staff is active, kept in service (staff-status.entity.ts). A new consumer reads the bus
 * from its oldest retained event: an agent deactivated before that, and not changed since, counts as active until
 * identity changes them again. A rebuild after falling behind the retention window forgets them all, the same way.
 */
export const staffStatus = defineHandler({
  name: 'service.staff-status',
  on: ['UserCreated', 'UserChanged'],
  when: (event) => event.payload.aggregateVersion !== undefined,
  async handle(em, event) {
    // A new member of staff is active; UserChanged says whether they still are.
    const active = event.type === 'UserChanged' ? event.payload.active : true;
    await em.execute(
      `insert into staff_status (user_id, active, user_version) values (?, ?, ?)
       on conflict (user_id) do update set active = excluded.active, user_version = excluded.user_version
         where staff_status.user_version < excluded.user_version`,
      [event.payload.userId, active, event.payload.aggregateVersion!],
      'run',
    );
  },
  afterExpiry: {
    async rebuild(em) {
      await em.execute('delete from staff_status', [], 'run');
    },
  },
});
