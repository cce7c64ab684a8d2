import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { DataSource } from 'typeorm';
import type { CertificateStore, RequestKind } from '@enroll/domain';
import { AppError } from '../common/app-error';
import { Batcher } from '../common/batcher';
import { pool, rows } from '../common/sql';
import type { AuthenticatedRequest, PackagePrincipal } from '../common/principal';
import { bearerToken, hashToken } from '../common/tokens';

interface PackageRow {
  id: string;
  organization_id: string;
  code: string;
  name: string;
  country: string;
  environment: string;
  store: CertificateStore;
  kinds: RequestKind[];
  disabled_at: Date | null;
}

/** Authenticates the enroll client by its package token; a disabled package is refused at once. */
@Injectable()
export class PackageStrategy extends PassportStrategy(Strategy, 'package') {
  constructor(private readonly db: DataSource) {
    super();
  }

  /** Every client call starts here: concurrent lookups share a round trip (Batcher caches nothing). */
  private readonly packages = new Batcher<string, PackageRow>(async (hashes) => {
    const found = await rows<PackageRow & { hash: string }>(
      pool(this.db),
      `SELECT encode(p.token_hash, 'hex') AS hash, p.id, p.organization_id, o.code, o.name, o.country, p.environment, p.store, p.kinds, p.disabled_at
         FROM enrollment_packages p JOIN organizations o ON o.id = p.organization_id
        WHERE p.token_hash IN (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h)`,
      [hashes],
    );
    return new Map(found.map((r) => [r.hash, r]));
  });

  /** When this process last stamped each package's last use (ms): at most one write a minute per package. */
  private readonly stamped = new Map<string, number>();

  /** The package's `last_used_at`, for the portal: written after the answer's path, never awaited. */
  private stampUse(id: string): void {
    const now = Date.now();
    if ((this.stamped.get(id) ?? 0) > now - 60_000) {
      return;
    }
    this.stamped.set(id, now);
    pool(this.db)
      .query(`UPDATE enrollment_packages SET last_used_at = now() WHERE id = $1`, [id])
      .catch(() => this.stamped.delete(id));
  }

  async validate(request: AuthenticatedRequest): Promise<PackagePrincipal> {
    const token = bearerToken(request.headers.authorization);
    if (!token?.startsWith('enr_')) {
      throw new AppError('UNAUTHENTICATED', 'Present the enrollment package token as a bearer token.');
    }
    const hash = hashToken(token).toString('hex');
    const row = (await this.packages.load([hash])).get(hash);
    if (!row) {
      throw new AppError('UNAUTHENTICATED', 'The enrollment package token is not valid.');
    }
    if (row.disabled_at !== null) {
      throw new AppError(
        'PACKAGE_DISABLED',
        'This enrollment package has been disabled: ask the centre for a new one.',
      );
    }
    this.stampUse(row.id);
    return {
      type: 'package',
      packageId: row.id,
      organizationId: row.organization_id,
      organizationCode: row.code,
      organizationName: row.name,
      country: row.country,
      environment: row.environment,
      store: row.store,
      kinds: row.kinds,
    };
  }
}
