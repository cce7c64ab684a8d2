import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor, CertificateStore, RenewalMode, RequestKind } from '@enroll/domain';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AppError, notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { hashToken, newToken } from '../common/tokens';
import { newScepChallenge } from '../scep/challenge';
import { mobileconfig } from '../scep/mobileconfig';
import { AuditService } from '../audit/audit.service';
import { OrganizationsService } from '../organizations/organizations.service';
import type { CreatePackageDto } from './dto/create-package.dto';
import { createHash } from 'node:crypto';
import type { ClientConfig, ClientConfigTrust, CreatedPackage, PackageView } from '@enroll/contract';
import { CaService } from '../authority';

interface PackageRow {
  id: string;
  code: string;
  environment: string;
  store: CertificateStore;
  kinds: RequestKind[];
  renewal: RenewalMode;
  renewal_same_key: boolean;
  created_at: Date;
  disabled_at: Date | null;
  label: string | null;
  created_by: string | null;
  last_used_at: Date | null;
  requests_made: number;
}

const view = (r: PackageRow): PackageView => ({
  id: r.id,
  organizationCode: r.code,
  environment: r.environment,
  store: r.store,
  kinds: r.kinds,
  renewal: r.renewal,
  renewalSameKey: r.renewal_same_key,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  label: r.label,
  createdBy: r.created_by,
  lastUsedAt: r.last_used_at,
  requestsMade: r.requests_made,
});

// The requests made: an index-only count on ix_requests_package_id.
const SELECT = `SELECT p.id, o.code, p.environment, p.store, p.kinds, p.renewal, p.renewal_same_key, p.created_at, p.disabled_at,
       p.label, u.username AS created_by, p.last_used_at,
       (SELECT count(*)::int FROM requests r WHERE r.package_id = p.id) AS requests_made
  FROM enrollment_packages p JOIN organizations o ON o.id = p.organization_id LEFT JOIN users u ON u.id = p.created_by`;

@Injectable()
export class PackagesService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ca: CaService,
  ) {}

  async create(actor: Actor, input: CreatePackageDto): Promise<CreatedPackage> {
    const organization = await this.organizations.byCode(input.organizationCode);
    const token = newToken('enr');
    const scepChallenge = newScepChallenge();
    const now = this.clock.now();
    const kinds = [...input.kinds];
    const renewal = input.renewal ?? 'automatic';
    const renewalSameKey = input.renewalSameKey ?? false;
    const row = await this.db.transaction(async (manager) => {
      const [inserted] = await manager.query<{ id: string; created_at: Date }[]>(
        `INSERT INTO enrollment_packages (organization_id, environment, store, kinds, token_hash, created_by, created_at, renewal, renewal_same_key, scep_challenge_hash, label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, created_at`,
        [
          organization.id,
          input.environment,
          input.store,
          kinds,
          hashToken(token),
          actor.userId,
          now,
          renewal,
          renewalSameKey,
          hashToken(scepChallenge),
          input.label ?? null,
        ],
      );
      if (!inserted) {
        throw new AppError('INTERNAL_ERROR', 'The package was not stored.');
      }
      await this.audit.record(manager, {
        at: now,
        actor: actor.username,
        actorType: 'user',
        action: 'package.create',
        organizationId: organization.id,
        target: inserted.id,
        details: {
          environment: input.environment,
          store: input.store,
          kinds,
          renewal,
          renewalSameKey,
          ...(input.label ? { label: input.label } : {}),
        },
      });
      return inserted;
    });
    const base = this.config.publicUrl;
    const mtls = new URL(base);
    mtls.protocol = 'https:';
    mtls.port = String(this.config.mtlsPort);
    const mtlsBase = mtls.origin;
    // The client sends the token and fetches the CA chain over TLS: the public URL when it is
    // https (a proxy with its own certificate), else the TLS port, whose certificate the CA
    // issues (the client checks the chain it fetches there against caFingerprint, then trusts it).
    const tlsBase = base.startsWith('https:') ? base : mtlsBase;
    const root = this.ca.chainDer.at(-1) ?? Buffer.alloc(0);
    const clientConfig: ClientConfig & ClientConfigTrust = {
      format: 'enroll-client-config/1',
      packageId: row.id,
      organization: { code: organization.code, name: organization.name, country: organization.country },
      environment: input.environment,
      store: input.store,
      kinds,
      urls: {
        api: base,
        request: `${tlsBase}/api/v1/enrollment/requests`,
        revoke: `${mtlsBase}/api/v1/enrollment/revoke`,
        test: `${mtlsBase}/api/v1/enrollment/test`,
        renew: `${mtlsBase}/api/v1/enrollment/renew`,
        caChain: `${tlsBase}/pki/ca.pem`,
      },
      token,
      caFingerprint: createHash('sha256').update(root).digest('hex').toUpperCase(),
    };
    const scepUrl = `${base}/scep/mobile`;
    const profile = kinds.includes('mobile')
      ? mobileconfig({
          url: scepUrl,
          challenge: scepChallenge,
          organizationCode: organization.code,
          country: organization.country,
          commonName: `${organization.code}-MOBILE-${row.id.slice(0, 8)}`,
          keySize: 2048,
          packageId: row.id,
        })
      : undefined;
    return {
      ...view({
        id: row.id,
        code: organization.code,
        environment: input.environment,
        store: input.store,
        kinds,
        renewal,
        renewal_same_key: renewalSameKey,
        created_at: row.created_at,
        disabled_at: null,
        label: input.label ?? null,
        created_by: actor.username,
        last_used_at: null,
        requests_made: 0,
      }),
      token,
      clientConfig,
      scepChallenge,
      scepUrl,
      ...(profile ? { mobileconfig: Buffer.from(profile).toString('base64') } : {}),
    };
  }

  async list(): Promise<PackageView[]> {
    const rows: PackageRow[] = await this.db.query(`${SELECT} ORDER BY o.code, p.created_at`);
    return rows.map(view);
  }

  /** Disables a package: its token is refused from the next request on. */
  async disable(actor: Actor, id: string): Promise<PackageView> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) {
      throw notFound('The enrollment package');
    }
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const updated: unknown[] = await manager.query(
        `UPDATE enrollment_packages SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1 RETURNING id`,
        [id, now],
      );
      if (updated.length === 0) {
        throw notFound('The enrollment package');
      }
      const [row] = await manager.query<PackageRow[]>(`${SELECT} WHERE p.id = $1`, [id]);
      await this.audit.record(manager, {
        at: now,
        actor: actor.username,
        actorType: 'user',
        action: 'package.disable',
        target: id,
      });
      if (!row) {
        throw notFound('The enrollment package');
      }
      return view(row);
    });
  }
}
