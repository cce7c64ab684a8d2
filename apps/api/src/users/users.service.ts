import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@enroll/domain';
import type { CertificateView, UserView } from '@enroll/contract';
import { generatePrivateKey, toPkcs12 } from '@enroll/pki';
import { AuthorityService, CaService, CrlService, subjectKeyOf } from '../authority';
import { AppError, notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { uniqueViolation } from '../common/database-errors';
import type { Queryable } from '../common/sql';
import { AuditService } from '../audit/audit.service';
import { LoginThrottle } from '../auth/login-throttle';
import { hashPassword } from '../auth/password';
import { SessionsRepository } from '../auth/sessions.repository';
import { OrganizationsService } from '../organizations/organizations.service';
import { certificateView } from '../certificates/certificate-view';
import { UserEntity } from './user.entity';
import { UsersRepository, type AccountRow } from './users.repository';
import type { CreateUserDto } from './dto/create-user.dto';

const userView = (r: AccountRow, blockedUntil: Date | null = null): UserView => ({
  id: r.id,
  username: r.username,
  role: r.role,
  organizationCode: r.organization_code,
  email: r.email,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  signInBlockedUntil: blockedUntil,
});

/** People: accounts, their lifecycle (disable, enable, password reset, sign-in limits) and their user certificates. */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationsService,
    private readonly ca: CaService,
    private readonly authority: AuthorityService,
    private readonly crl: CrlService,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly throttle: LoginThrottle,
  ) {}

  async create(actor: Actor, input: CreateUserDto): Promise<UserView> {
    if (input.role === 'manager' && !input.organizationCode) {
      throw new AppError('VALIDATION_FAILED', 'A manager needs an organizationCode.');
    }
    if (input.role === 'admin' && input.organizationCode) {
      throw new AppError(
        'VALIDATION_FAILED',
        'A centre administrator belongs to no organization: leave organizationCode out.',
      );
    }
    const organization = input.organizationCode ? await this.organizations.byCode(input.organizationCode) : undefined;
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.db.transaction(async (manager) => {
        const saved = await manager.getRepository(UserEntity).save(
          manager.create(UserEntity, {
            username: input.username,
            passwordHash,
            role: input.role,
            organizationId: organization?.id ?? null,
            email: input.email ?? null,
          }),
        );
        await this.audit.record(manager, {
          at: this.clock.now(),
          actor: actor.username,
          actorType: 'user',
          action: 'user.create',
          organizationId: organization?.id ?? null,
          target: saved.username,
          details: { role: saved.role },
        });
        return {
          id: saved.id,
          username: saved.username,
          role: saved.role,
          organizationCode: organization?.code ?? null,
          email: saved.email,
          createdAt: saved.createdAt,
          disabledAt: null,
          signInBlockedUntil: null,
        };
      });
    } catch (error) {
      if (uniqueViolation(error) === 'uq_users_username') {
        throw new AppError('USERNAME_TAKEN', `The user name ${input.username} is taken.`);
      }
      throw error;
    }
  }

  async list(): Promise<UserView[]> {
    const found = await this.users.list();
    const blocked = await this.throttle.blockedUntil(
      found.map((u) => u.username),
      this.clock.now(),
    );
    return found.map((u) => userView(u, blocked.get(u.username) ?? null));
  }

  /** Disables an account: it cannot sign in, and every session it has ends now. Disabling twice keeps the first date. */
  async disable(actor: Actor, userId: string): Promise<UserView> {
    const user = await this.find(userId);
    if (user.id === actor.userId) {
      throw new AppError('CANNOT_DISABLE_SELF', 'You cannot disable your own account: ask another administrator.');
    }
    const now = this.clock.now();
    await this.change(actor, user, now, 'user.disable', async (q) => {
      const changed = await this.users.disable(q, user.id, now);
      return { changed, sessionsEnded: await this.sessions.endAll(q, user.id) };
    });
    return userView((await this.users.byId(user.id)) ?? user);
  }

  async enable(actor: Actor, userId: string): Promise<UserView> {
    const user = await this.find(userId);
    await this.change(actor, user, this.clock.now(), 'user.enable', async (q) => ({
      changed: await this.users.enable(q, user.id),
    }));
    return userView((await this.users.byId(user.id)) ?? user);
  }

  /** An administrator sets a new password: the person's sessions end and its sign-in limits are lifted. */
  async resetPassword(actor: Actor, userId: string, password: string): Promise<void> {
    const user = await this.find(userId);
    const passwordHash = await hashPassword(password);
    await this.change(actor, user, this.clock.now(), 'user.password.reset', async (q) => {
      await this.users.setPassword(q, user.id, passwordHash);
      const sessionsEnded = await this.sessions.endAll(q, user.id);
      await this.throttle.clear(q, user.username);
      return { sessionsEnded };
    });
  }

  /** Lifts the back-off that failed sign-ins put on an account, from every address. */
  async clearSignInLimits(actor: Actor, userId: string): Promise<void> {
    const user = await this.find(userId);
    await this.change(actor, user, this.clock.now(), 'user.sign-in-limits.clear', async (q) => ({
      cleared: await this.throttle.clear(q, user.username),
    }));
  }

  /** The user certificates issued to a person, newest first. */
  async certificates(userId: string): Promise<CertificateView[]> {
    const user = await this.find(userId);
    const now = this.clock.now();
    return (await this.authority.certificatesOfUser(user.id)).map((c) => certificateView(c, now));
  }

  /**
   * Issues a person's user certificate: the key is made here (a manager has no enroll client),
   * returned once inside the password-protected PKCS #12, and never stored. With
   * `revokePrevious`, the person's other valid user certificates are revoked (superseded) in the
   * same transaction: a lost or replaced one stops working at once.
   */
  async issueCertificate(
    actor: Actor,
    userId: string,
    password: string,
    revokePrevious = false,
  ): Promise<{ filename: string; pkcs12: Buffer }> {
    const user = await this.find(userId);
    const now = this.clock.now();
    const privateKey = await generatePrivateKey('RSA-2048');
    const who = { name: actor.username, type: 'user' as const };
    const superseded: string[] = [];
    const issued = await this.authority.issue(
      'manager',
      {
        commonName: user.username,
        ...(user.organization_code ? { organizationCode: user.organization_code } : {}),
        ...(user.organization_country ? { country: user.organization_country } : {}),
        ...(user.email ? { email: user.email } : {}),
      },
      subjectKeyOf(privateKey),
      { userId: user.id, organizationId: user.organization_id },
      who,
      now,
      async (q, issued) => {
        if (revokePrevious) {
          const previous = (await this.authority.certificatesOfUser(user.id, q)).filter(
            (c) => c.status === 'valid' && c.serial !== issued.serialNumber,
          );
          for (const certificate of previous) {
            superseded.push(
              ...(await this.authority.revoke(q, { serial: certificate.serial }, 'superseded', who, now)).map(
                (r) => r.serial,
              ),
            );
          }
        }
        await this.audit.record(q, {
          at: now,
          actor: actor.username,
          actorType: 'user',
          action: 'user.certificate.issue',
          organizationId: user.organization_id,
          target: user.username,
          details: { serialNumber: issued.serialNumber, ...(superseded.length > 0 ? { superseded } : {}) },
        });
      },
    );
    if (superseded.length > 0) {
      this.crl.refreshQuietly();
    }
    const pkcs12 = toPkcs12({
      privateKey,
      certificates: [issued.der, ...this.ca.chainDer],
      password,
      friendlyName: user.username,
    });
    return { filename: `${user.username}.p12`, pkcs12 };
  }

  private async find(userId: string): Promise<AccountRow> {
    const user = await this.users.byId(userId);
    if (!user) {
      throw notFound('The user');
    }
    return user;
  }

  /** One people action: its change and its audit event in one transaction. */
  private async change(
    actor: Actor,
    user: AccountRow,
    now: Date,
    action: string,
    apply: (q: Queryable) => Promise<Record<string, unknown>>,
  ): Promise<void> {
    await this.db.transaction(async (q) => {
      const details = await apply(q);
      await this.audit.record(q, {
        at: now,
        actor: actor.username,
        actorType: 'user',
        action,
        organizationId: user.organization_id,
        target: user.username,
        details,
      });
    });
  }
}
