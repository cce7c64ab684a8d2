import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CertificateStore, RequestKind } from '@enroll/domain';

@Entity({ name: 'enrollment_packages' })
export class EnrollmentPackageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'varchar', length: 64 })
  environment!: string;

  @Column({ type: 'varchar', length: 8 })
  store!: CertificateStore;

  @Column({ type: 'varchar', length: 16, array: true })
  kinds!: RequestKind[];

  @Column({ name: 'token_hash', type: 'bytea', select: false })
  tokenHash!: Buffer;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;
}
