import { AuditEventEntity } from '../audit/audit-event.entity';
import { CertificateEntity, CrlEntity, RevocationEntity } from '../certificates/certificate.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { EnrollmentPackageEntity } from '../packages/enrollment-package.entity';
import { EnrollmentRequestEntity, RequestHistoryEntity } from '../requests/enrollment-request.entity';
import { UserEntity } from '../users/user.entity';

/** Every mapped table (sessions and login_failures are reached with SQL only). */
export const ENTITIES = [
  OrganizationEntity,
  UserEntity,
  EnrollmentPackageEntity,
  EnrollmentRequestEntity,
  RequestHistoryEntity,
  CertificateEntity,
  RevocationEntity,
  CrlEntity,
  AuditEventEntity,
];
