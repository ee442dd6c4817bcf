import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import { requirePermission, type Viewer } from '@crm/kit/access/viewer.js';
import type { Logger } from '@crm/kit/logger.js';
import type { Authenticator } from '../auth/authenticator.js';
import { permissionKey } from './entity-loader.js';

/** Close code of a socket whose caller's access changed (role, teams, scopes): reconnect and resume with after. */
export const ACCESS_CHANGED_CODE = 4102;
/** Changes announced together (a team and its members) are checked once. */
const SETTLE_MS = 50;

interface Credential {
  authorization: string;
  ip: string | null;
  /** The access the socket's subscriptions were set up with (permissionKey). */
  access: string;
}

/**
 * The sockets opened with a credential, checked again whenever identity announces a change to users, teams, API keys
 * or access rules. A socket authenticates once, in connection_init, and each of its subscriptions keeps that viewer:
 * without this, a revoked key or a deactivated person went on receiving events for as long as the socket stayed
 * open (a key without expiry, for ever). A credential no longer accepted closes its sockets with 4401, one outside
 * the access policy or without events:subscribe with 4403, and one whose access changed with 4102 (reconnect and
 * resume with after: the new access applies from then on).
 */
export class SignedInSockets {
  private readonly sockets = new Map<WebSocket, Credential>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly auth: Authenticator,
    private readonly log: Logger,
  ) {}

  add(socket: WebSocket, authorization: string, ip: string | null, viewer: Viewer): void {
    this.sockets.set(socket, { authorization, ip, access: permissionKey(viewer) });
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Identity announced a change to who may do what: every socket's credential is checked again shortly. */
  accessChanged(): void {
    if (this.checking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.checking = this.checkAll().finally(() => {
        this.checking = undefined;
        if (this.again) {
          this.again = false;
          this.accessChanged();
        }
      });
    }, SETTLE_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.checking;
  }

  private async checkAll(): Promise<void> {
    for (const [socket, credential] of [...this.sockets]) {
      if (socket.readyState !== socket.OPEN) continue;
      const refusal = await this.check(credential);
      if (!refusal) continue;
      this.log.info({ code: refusal.code, metric: 'subscription_access_rechecked' }, 'socket closed: its caller’s access changed');
      socket.close(refusal.code, refusal.reason);
    }
  }

  private async check(credential: Credential): Promise<{ code: number; reason: string } | null> {
    try {
      const { viewer } = await this.auth.authenticate(credential.authorization, credential.ip, randomUUID());
      requirePermission(viewer, 'events:subscribe', 'Subscriptions');
      if (permissionKey(viewer) === credential.access) return null;
      return { code: ACCESS_CHANGED_CODE, reason: 'Your access changed: reconnect and resubscribe with after' };
    } catch (error) {
      const code = error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED' ? 4401 : 4403;
      return { code, reason: error instanceof GraphQLError ? error.message.slice(0, 120) : 'Forbidden' };
    }
  }
}
