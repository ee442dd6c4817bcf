import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { Quote } from './quote.entity.js';

/**
 * The PDF a customer was sent: rendered when the quote is sent, from the version sent, and kept as sent (a quote
 * is a sales contract). Its bytes are read only to be downloaded.
 */
@ObjectType({ description: 'The PDF of a sent quote, as the customer got it' })
@Entity({ tableName: 'quote_document' })
@Unique({ properties: ['quoteId', 'quoteVersion'] })
export class QuoteDocument extends BaseEntity {
  @ManyToOne(() => Quote, { fieldName: 'quote_id', mapToPk: true, deleteRule: 'cascade' })
  quoteId!: string;

  @Field(() => Int, { description: 'The version of the quote it was rendered from' })
  @Property({ type: 'integer' })
  quoteVersion!: number;

  @Field({ description: 'The language of its text: cs, pl, sk or en' })
  @Property({ type: 'text' })
  language!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  sizeBytes!: number;

  @Property({ type: 'blob', lazy: true })
  content!: Buffer;
}

export enum QuoteViewKind {
  OPENED = 'OPENED',
  DOWNLOADED = 'DOWNLOADED',
}
registerEnumType(QuoteViewKind, { name: 'QuoteViewKind', description: 'OPENED: the quote was shown; DOWNLOADED: its PDF was taken' });

/** Each time the customer opened the quote or downloaded its PDF (through the link, or as staff recorded it). */
@ObjectType({ description: 'One opening or download of a quote by the customer' })
@Entity({ tableName: 'quote_view' })
@Index({ properties: ['quoteId', 'viewedAt'] })
// quotesOpened: the opens since a moment.
@Index({ properties: ['kind', 'viewedAt'] })
export class QuoteView extends BaseEntity {
  @ManyToOne(() => Quote, { fieldName: 'quote_id', mapToPk: true, deleteRule: 'cascade' })
  quoteId!: string;

  @Field(() => QuoteViewKind)
  @Enum({ items: () => QuoteViewKind, nativeEnumName: 'quote_view_kind' })
  kind!: QuoteViewKind;

  @Field(() => String, { nullable: true, description: 'How it reached the customer (EMAIL, WEB, APP, DOWNLOAD), when known' })
  @Property({ type: 'text', nullable: true })
  channel?: string | null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  viewedAt: Opt<Date> = new Date();
}
