import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor, Role } from '@enroll/domain';
import { generatePrivateKey, toPkcs12 } from '@enroll/pki';
import { AuthorityService, CaService, subjectKeyOf } from '../authority';
import { AppError, notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { uniqueViolation } from '../common/database-errors';
import { AuditService } from '../audit/audit.service';
import { hashPassword } from '../auth/password';
import { OrganizationsService } from '../organizations/organizations.service';
import { UserEntity } from './user.entity';
import type { CreateUserDto } from './dto/create-user.dto';
import type { UserView } from '@enroll/contract';

@Injectable()
export class UsersService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationsService,
    private readonly ca: CaService,
    private readonly authority: AuthorityService,
  ) {}

  async create(actor: Actor, input: CreateUserDto): Promise<UserView> {
    if (input.role === 'manager' && !input.organizationCode) {
      throw new AppError('VALIDATION_FAILED', 'A manager needs an organizationCode.');
    }
    if (input.role === 'admin' && input.organizationCode) {
      throw new AppError('VALIDATION_FAILED', 'A centre administrator belongs to no organization: leave organizationCode out.');
    }
    const organization = input.organizationCode ? await this.organizations.byCode(input.organizationCode) : undefined;
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.db.transaction(async (manager) => {
        const saved = await manager.getRepository(UserEntity).save(
          manager.create(UserEntity, { username: input.username, passwordHash, role: input.role, organizationId: organization?.id ?? null, email: input.email ?? null }),
        );
        await this.audit.record(manager, { at: this.clock.now(), actor: actor.username, actorType: 'user', action: 'user.create', organizationId: organization?.id ?? null, target: saved.username, details: { role: saved.role } });
        return { id: saved.id, username: saved.username, role: saved.role, organizationCode: organization?.code ?? null, email: saved.email, createdAt: saved.createdAt };
      });
    } catch (error) {
      if (uniqueViolation(error) === 'uq_users_username') {
        throw new AppError('USERNAME_TAKEN', `The user name ${input.username} is taken.`);
      }
      throw error;
    }
  }

  async list(): Promise<UserView[]> {
    const rows: (Omit<UserView, 'organizationCode' | 'createdAt'> & { organization_code: string | null; created_at: Date })[] = await this.db.query(
      `SELECT u.id, u.username, u.role, o.code AS organization_code, u.email, u.created_at
         FROM users u LEFT JOIN organizations o ON o.id = u.organization_id ORDER BY u.username`,
    );
    return rows.map((r) => ({ id: r.id, username: r.username, role: r.role, organizationCode: r.organization_code, email: r.email, createdAt: r.created_at }));
  }

  /**
   * Issues a manager's user certificate: the key is made here (a manager has no enroll client),
   * returned once inside the password-protected PKCS #12, and never stored.
   */
  async issueCertificate(actor: Actor, userId: string, password: string): Promise<{ filename: string; pkcs12: Buffer }> {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) {
      throw notFound('The user');
    }
    const [user] = await this.db.query<{ id: string; username: string; role: Role; email: string | null; organization_id: string | null; code: string | null; country: string | null }[]>(
      `SELECT u.id, u.username, u.role, u.email, u.organization_id, o.code, o.country FROM users u LEFT JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1`,
      [userId],
    );
    if (!user) {
      throw notFound('The user');
    }
    const now = this.clock.now();
    const privateKey = await generatePrivateKey('RSA-2048');
    const issued = await this.authority.issue(
      'manager',
      { commonName: user.username, ...(user.code ? { organizationCode: user.code } : {}), ...(user.country ? { country: user.country } : {}), ...(user.email ? { email: user.email } : {}) },
      subjectKeyOf(privateKey),
      { userId: user.id, organizationId: user.organization_id },
      { name: actor.username, type: 'user' },
      now,
      (q, issued) => this.audit.record(q, { at: now, actor: actor.username, actorType: 'user', action: 'user.certificate.issue', organizationId: user.organization_id, target: user.username, details: { serialNumber: issued.serialNumber } }),
    );
    const pkcs12 = toPkcs12({ privateKey, certificates: [issued.der, ...this.ca.chainDer], password, friendlyName: user.username });
    return { filename: `${user.username}.p12`, pkcs12 };
  }
}
