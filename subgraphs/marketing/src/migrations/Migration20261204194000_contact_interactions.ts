import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 12, point 6: an interaction may be recorded under only a phone (E.164) or an e-mail (lower-case), to join
 * whoever identity links it to; and a message the person wrote (MESSAGE_RECEIVED) is a kind of interaction.
 */
export class Migration20261204194000_contact_interactions extends Migration {
  override name = 'Migration20261204194000_contact_interactions';

  override up(): void | Promise<void> {
    this.addSql(`alter type "interaction_type" add value if not exists 'MESSAGE_RECEIVED';`);
    this.addSql(`alter table "interaction" add "phone" text null, add "email" text null;`);
    this.addSql(`create index "interaction_phone_index" on "interaction" ("phone");`);
    this.addSql(`create index "interaction_email_index" on "interaction" ("email");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "interaction_email_index";`);
    this.addSql(`drop index "interaction_phone_index";`);
    this.addSql(`alter table "interaction" drop column "phone", drop column "email";`);
    // PostgreSQL cannot drop an enum value: MESSAGE_RECEIVED stays in interaction_type (unused by older code).
  }
}
