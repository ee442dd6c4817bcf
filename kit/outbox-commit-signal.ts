import { ChangeSetType, type EventSubscriber, type FlushEventArgs, type TransactionEventArgs } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { eventWriters, OutboxEvent } from './events.js';

// Which transactions wrote outbox rows are known by the entity managers that ran them (a transaction's fork, or the
// one whose flush opened its own): recordEvents marks its transaction's manager, a flush creating OutboxEvent
// entities its own. Weak, so a manager whose transaction never commits is simply forgotten.
const wroteEvents = eventWriters;

class EventCommitWatcher implements EventSubscriber {
  stopped = false;

  constructor(private readonly onCommit: () => void) {}

  onFlush({ em, uow }: FlushEventArgs): void {
    for (const changeSet of uow.getChangeSets()) {
      if (changeSet.type === ChangeSetType.CREATE && changeSet.entity instanceof OutboxEvent) return void wroteEvents.add(em);
    }
  }

  afterTransactionCommit({ em }: TransactionEventArgs): void {
    // A nested transaction's events commit with the outer one, which this does not see: the relay's poll finds them.
    if (wroteEvents.delete(em) && !this.stopped) this.onCommit();
  }
}

/**
 * Calls `onCommit` right after each transaction of `orm` that wrote events has committed, so the outbox relay
 * publishes them at once instead of at its next poll. Returns how to stop (MikroORM cannot remove a subscriber:
 * the watcher stays registered, inert).
 */
export function wakeOnEventCommits(orm: MikroORM, onCommit: () => void): () => void {
  const watcher = new EventCommitWatcher(onCommit);
  orm.em.getEventManager().registerSubscriber(watcher);
  return () => void (watcher.stopped = true);
}
