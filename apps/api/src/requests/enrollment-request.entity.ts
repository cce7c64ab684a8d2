import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EnrollmentType, RequestKind, RequestStatus } from '@enroll/domain';

/** A certificate request. Hot paths use SQL in RequestsRepository; this maps the table. */
@Entity({ name: 'requests' })
export class EnrollmentRequestEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'package_id', type: 'uuid' })
  packageId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: RequestKind;

  @Column({ type: 'varchar', length: 16 })
  status!: RequestStatus;

  @Column({ name: 'enrollment_type', type: 'varchar', length: 16 })
  enrollmentType!: EnrollmentType;

  @Column({ name: 'common_name', type: 'varchar', length: 64 })
  commonName!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'csr_der', type: 'bytea' })
  csrDer!: Buffer;

  @Column({ name: 'spki_sha256', type: 'bytea' })
  spkiSha256!: Buffer;

  @Column({ name: 'public_key', type: 'jsonb' })
  publicKey!: Record<string, unknown>;

  @Column({ name: 'requested_extensions', type: 'jsonb' })
  requestedExtensions!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  device!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 64, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description!: string | null;

  @Column({ name: 'requested_by', type: 'varchar', length: 256 })
  requestedBy!: string;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason!: string | null;

  @Column({ name: 'certificate_serial', type: 'varchar', length: 40, nullable: true })
  certificateSerial!: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'downloaded_at', type: 'timestamptz', nullable: true })
  downloadedAt!: Date | null;

  @Column({ name: 'downloaded_by', type: 'varchar', length: 256, nullable: true })
  downloadedBy!: string | null;
}

@Entity({ name: 'request_history' })
export class RequestHistoryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'request_id', type: 'bigint' })
  requestId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RequestStatus;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'varchar', length: 256 })
  actor!: string;

  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;
}
