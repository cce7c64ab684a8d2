import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'certificates' })
export class CertificateEntity {
  /** Upper-case hex, no leading zero bytes. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  serial!: string;

  @Column({ name: 'request_id', type: 'bigint', nullable: true })
  requestId!: string | null;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  profile!: string;

  @Column({ name: 'issuer_key_id', type: 'bytea' })
  issuerKeyId!: Buffer;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'common_name', type: 'varchar', length: 64 })
  commonName!: string;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore!: Date;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  @Column({ type: 'bytea' })
  der!: Buffer;

  @Column({ name: 'spki_sha256', type: 'bytea' })
  spkiSha256!: Buffer;

  @Column({ type: 'varchar', length: 8 })
  status!: 'valid' | 'revoked';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ name: 'revocations' })
export class RevocationEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  serial!: string;

  @Column({ name: 'revoked_at', type: 'timestamptz' })
  revokedAt!: Date;

  @Column({ type: 'varchar', length: 32 })
  reason!: string;

  @Column({ type: 'varchar', length: 256 })
  actor!: string;

  @Column({ name: 'spki_sha256', type: 'bytea' })
  spkiSha256!: Buffer;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;
}

@Entity({ name: 'crls' })
export class CrlEntity {
  @PrimaryColumn({ name: 'crl_number', type: 'bigint' })
  crlNumber!: string;

  @Column({ name: 'this_update', type: 'timestamptz' })
  thisUpdate!: Date;

  @Column({ name: 'next_update', type: 'timestamptz' })
  nextUpdate!: Date;

  @Column({ name: 'revocation_count', type: 'integer' })
  revocationCount!: number;

  @Column({ type: 'bytea' })
  der!: Buffer;
}
