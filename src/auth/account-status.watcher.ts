import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client, Notification } from 'pg';
import { DataSource } from 'typeorm';
import { SessionDatabase } from '../database/session-database';
import { readRows } from '../common/database/read-rows';
import type { AuthPrincipal } from './principal';

type AdminPrincipal = Extract<AuthPrincipal, { kind: 'admin' }>;

/** The channel the users-status trigger (migration InvestorStatusNotify) notifies with `<user id>:<status>`. */
export const USER_STATUS_CHANNEL = 'pend_user_status';
/** Any change to an admin account (payload: its id) or to the permission grants (payload: `*`), migration AdminGrantsNotify. */
export const ADMIN_GRANTS_CHANNEL = 'pend_admin_grants';
const RECONNECT_MS = 2_000;
const MAX_CACHED_ADMINS = 10_000;

/**
 * Knows which investors are suspended or closed, so the guard refuses their tokens at once
 * without a query per request: one LISTEN connection loads the set of non-active users and
 * applies every status change the trigger announces, from any instance or tool, on commit.
 * Likewise it keeps the admins' resolved grants until a trigger says their account or the grants
 * changed. While that connection is down the guard asks the database per request instead.
 */
@Injectable()
export class AccountStatusWatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AccountStatus');
  private blocked = new Set<string>();
  private readonly admins = new Map<string, AdminPrincipal | null>();
  /** Bumped by every admin change: a load that started before one must not be cached. */
  private adminGeneration = 0;
  private live = false;
  private closed = false;
  private client?: Client;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly session: SessionDatabase,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.live = false;
    await this.client?.end().catch(() => undefined);
  }

  /** Whether the investor may no longer use their tokens (suspended or closed). */
  async isBlocked(userId: string): Promise<boolean> {
    if (this.live) return this.blocked.has(userId);
    // The primary (a suspension must count at once); a replica while the primary is down.
    const rows = await readRows<{ status: string }>(this.dataSource, `SELECT status FROM users WHERE id = $1`, [userId], {
      preferPrimary: true,
    });
    return rows.length > 0 && rows[0].status !== 'active';
  }

  /** The admin as last loaded (null: unknown or disabled), or undefined when it must be loaded. */
  cachedAdmin(adminId: string): AdminPrincipal | null | undefined {
    return this.live ? this.admins.get(adminId) : undefined;
  }

  /** Wraps a load of the admin's grants: cached unless a change arrived while it ran. */
  async loadAdmin(adminId: string, load: () => Promise<AdminPrincipal | null>): Promise<AdminPrincipal | null> {
    const cached = this.cachedAdmin(adminId);
    if (cached !== undefined) return cached;
    const generation = this.adminGeneration;
    const admin = await load();
    if (this.live && generation === this.adminGeneration) {
      if (this.admins.size >= MAX_CACHED_ADMINS) this.admins.clear();
      this.admins.set(adminId, admin);
    }
    return admin;
  }

  /** Forgets one admin's grants (or all): this instance's own change, before the notification comes back. */
  forgetAdmin(adminId?: string): void {
    this.adminGeneration++;
    if (adminId) this.admins.delete(adminId);
    else this.admins.clear();
  }

  /** This instance's own change, known before the notification comes back. */
  noteStatus(userId: string, status: string): void {
    if (status === 'active') this.blocked.delete(userId);
    else this.blocked.add(userId);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({
      // LISTEN needs a session: the direct connection, never through a transaction pooler.
      connectionString: this.session.url,
      application_name: 'pend-backend-account-status',
      connectionTimeoutMillis: 5_000,
    });
    // Changes that arrive while the set loads are applied after it, in order.
    let early: string[] | null = [];
    client.on('notification', (message: Notification) => {
      if (message.channel === ADMIN_GRANTS_CHANNEL) {
        this.forgetAdmin(message.payload && message.payload !== '*' ? message.payload : undefined);
        return;
      }
      if (message.channel !== USER_STATUS_CHANNEL || !message.payload) return;
      if (early) early.push(message.payload);
      else this.apply(message.payload);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${USER_STATUS_CHANNEL}; LISTEN ${ADMIN_GRANTS_CHANNEL}`);
      this.forgetAdmin();
      const { rows } = await client.query<{ id: string }>(`SELECT id FROM users WHERE status <> 'active'`);
      this.blocked = new Set(rows.map((row) => row.id));
      for (const payload of early) this.apply(payload);
      early = null;
      if (this.closed) {
        // The app shut down while this (re)connect was under way.
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.live = true;
    } catch (error) {
      this.logger.warn(`Account status feed unavailable, checking per request: ${(error as Error).message}`);
      this.lost(client);
    }
  }

  private apply(payload: string): void {
    const separator = payload.lastIndexOf(':');
    if (separator > 0) this.noteStatus(payload.slice(0, separator), payload.slice(separator + 1));
  }

  private lost(client: Client): void {
    if (this.client && this.client !== client) return;
    this.live = false;
    this.forgetAdmin();
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, RECONNECT_MS);
    this.retry.unref();
  }
}
