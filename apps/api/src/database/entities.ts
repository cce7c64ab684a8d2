import { OrganizationEntity } from '../organizations/organization.entity';
import { UserEntity } from '../users/user.entity';

/**
 * The mapped tables: organizations and users are reached through TypeORM repositories; every
 * other table with SQL only. The schema comes from the migrations, never from these classes
 * (synchronize is off).
 */
export const ENTITIES = [OrganizationEntity, UserEntity];
