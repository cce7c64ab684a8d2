import { OrganizationEntity } from '../organizations/organization.entity';
import { EnrollmentRequestEntity, RequestHistoryEntity } from '../requests/enrollment-request.entity';
import { UserEntity } from '../users/user.entity';

/**
 * The mapped tables. Organizations and users are reached through TypeORM repositories; the
 * requests mapping is read by nothing (its removal belongs with apps/api/src/requests). Every
 * other table is reached with SQL only. The schema comes from the migrations, never from these
 * classes (synchronize is off).
 */
export const ENTITIES = [OrganizationEntity, UserEntity, EnrollmentRequestEntity, RequestHistoryEntity];
