import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import { HOURS_RECHECK_MS } from '@crm/kit/access/policy.js';
import { requirePermission, type Viewer } from '@crm/kit/access/viewer.js';
import type { BusEvent } from '@crm/kit/bus/index.js';
import type { Logger } from '@crm/kit/logger.js';
import type { Authenticator } from '../auth/authenticator.js';
import { permissionKey } from './entity-loader.js';

/** Close code of a socket whose caller's access changed (role, teams, scopes): reconnect and resume with after. */
export const ACCESS_CHANGED_CODE = 4102;
/** Changes announced together (a team and its members) are checked once. */
const SETTLE_MS = 50;
/** A check that could not ask identity is tried again this much later. */
const RETRY_MS = 30_000;

interface Credential {
  authorization: string;
  ip: string | null;
  /** The user's or the API key's id: a change to that user or key is checked on its sockets alone. */
  callerId: string;
  /** The access the socket's subscriptions were set up with (permissionKey). */
  access: string;
  /** Checks the socket again when the hours its caller's access rules allow end (or a check that failed, shortly). */
  hoursTimer?: NodeJS.Timeout;
}

/**
 * The sockets opened with a credential, checked again whenever identity announces a change to users, teams, API keys
 * or access rules. A socket authenticates once, in connection_init, and each of its subscriptions keeps that viewer:
 * without this, a revoked key or a deactivated person went on receiving events for as long as the socket stayed
 * open (a key without expiry, for ever). A credential no longer accepted closes its sockets with 4401, one outside
 * the access policy or without events:subscribe with 4403, and one whose access changed with 4102 (reconnect and
 * resume with after: the new access applies from then on). A caller whose rules allow only certain hours is checked
 * again as those hours end (and every HOURS_RECHECK_MS meanwhile): a socket opened at 18:59 under 07:00–19:00 closes
 * with 4403 at 19:00, as the next request would be refused.
 */
export class SignedInSockets {
  private readonly sockets = new Map<WebSocket, Credential>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  /** The callers whose sockets the next check covers; null: every socket (a team or an access rule changed). */
  private due: Set<string> | null = new Set();

  constructor(
    private readonly auth: Authenticator,
    private readonly log: Logger,
  ) {}

  add(socket: WebSocket, authorization: string, ip: string | null, viewer: Viewer, allowedUntil: Date | null): void {
    const credential: Credential = { authorization, ip, callerId: viewer.id.toLowerCase(), access: permissionKey(viewer) };
    this.sockets.set(socket, credential);
    this.checkWhenHoursEnd(socket, credential, allowedUntil);
    socket.once('close', () => {
      clearTimeout(credential.hoursTimer);
      this.sockets.delete(socket);
    });
  }

  private checkWhenHoursEnd(socket: WebSocket, credential: Credential, allowedUntil: Date | null): void {
    if (!allowedUntil) return;
    const ms = Math.min(Math.max(allowedUntil.getTime() - Date.now(), 0), HOURS_RECHECK_MS);
    credential.hoursTimer = setTimeout(() => {
      if (socket.readyState !== socket.OPEN) return;
      void this.closeIfRefused(socket, credential).then((until) => until !== undefined && this.checkWhenHoursEnd(socket, credential, until));
    }, ms);
    credential.hoursTimer.unref();
  }

  /**
   * Identity announced a change to who may do what: a user's or a key's own change is checked on its sockets, a
   * team's or an access rule's on every socket, shortly (changes announced together are checked once).
   */
  accessChanged(event: BusEvent): void {
    const one = event.aggregateType === 'User' || event.aggregateType === 'ApiKey';
    if (!one) this.due = null;
    else this.due?.add(event.aggregateId.toLowerCase());
    // A check under way takes what was due when it began; what comes meanwhile is checked after it.
    if (!this.checking) this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const due = this.due;
      this.due = new Set();
      this.checking = this.check(due).finally(() => {
        this.checking = undefined;
        if (this.due === null || this.due.size > 0) this.schedule();
      });
    }, SETTLE_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    for (const credential of this.sockets.values()) clearTimeout(credential.hoursTimer);
    await this.checking;
  }

  private async check(due: ReadonlySet<string> | null): Promise<void> {
    for (const [socket, credential] of [...this.sockets]) {
      if (socket.readyState !== socket.OPEN || (due && !due.has(credential.callerId))) continue;
      const until = await this.closeIfRefused(socket, credential);
      // A rule's hours may have changed with it: the socket is checked again when the new ones end.
      if (until !== undefined) {
        clearTimeout(credential.hoursTimer);
        this.checkWhenHoursEnd(socket, credential, until);
      }
    }
  }

  /** Closes the socket when its credential is no longer accepted as it was; else when its hours now end (allowedUntil). */
  private async closeIfRefused(socket: WebSocket, credential: Credential): Promise<Date | null | undefined> {
    const refusal = await this.refusal(credential);
    if ('allowedUntil' in refusal) return refusal.allowedUntil;
    this.log.info({ code: refusal.code, metric: 'subscription_access_rechecked' }, 'socket closed: its caller’s access changed');
    if (socket.readyState === socket.OPEN) socket.close(refusal.code, refusal.reason);
    return undefined;
  }

  private async refusal(credential: Credential): Promise<{ code: number; reason: string } | { allowedUntil: Date | null }> {
    try {
      const { viewer, allowedUntil } = await this.auth.authenticate(credential.authorization, credential.ip, randomUUID());
      requirePermission(viewer, 'events:subscribe', 'Subscriptions');
      if (permissionKey(viewer) === credential.access) return { allowedUntil };
      return { code: ACCESS_CHANGED_CODE, reason: 'Your access changed: reconnect and resubscribe with after' };
    } catch (error) {
      // Identity unreachable is no answer: the socket stays as it is and is checked again shortly.
      if (!(error instanceof GraphQLError)) {
        this.log.warn({ err: error, metric: 'subscription_access_recheck_failed' }, 'could not check a socket’s access; checking again shortly');
        return { allowedUntil: new Date(Date.now() + RETRY_MS) };
      }
      return { code: error.extensions.code === 'UNAUTHENTICATED' ? 4401 : 4403, reason: error.message.slice(0, 120) };
    }
  }
}
