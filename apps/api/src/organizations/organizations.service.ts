import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@enroll/domain';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { uniqueViolation } from '../common/database-errors';
import { AuditService } from '../audit/audit.service';
import { OrganizationEntity } from './organization.entity';
import type { CreateOrganizationDto } from './dto/create-organization.dto';
import type { OrganizationView } from '@enroll/contract';

const view = (o: OrganizationEntity): OrganizationView => ({
  id: o.id,
  code: o.code,
  name: o.name,
  country: o.country,
  createdAt: o.createdAt,
});

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, input: CreateOrganizationDto): Promise<OrganizationView> {
    try {
      return await this.db.transaction(async (manager) => {
        const saved = await manager.getRepository(OrganizationEntity).save(manager.create(OrganizationEntity, input));
        await this.audit.record(manager, {
          at: this.clock.now(),
          actor: actor.username,
          actorType: 'user',
          action: 'organization.create',
          organizationId: saved.id,
          target: saved.code,
        });
        return view(saved);
      });
    } catch (error) {
      if (uniqueViolation(error) === 'uq_organizations_code') {
        throw new AppError('ORGANIZATION_EXISTS', `An organization with code ${input.code} already exists.`);
      }
      throw error;
    }
  }

  async list(): Promise<OrganizationView[]> {
    return (await this.db.getRepository(OrganizationEntity).find({ order: { code: 'ASC' } })).map(view);
  }

  /** The organization with this code; ORGANIZATION_UNKNOWN when there is none. */
  async byCode(code: string): Promise<OrganizationEntity> {
    const found = await this.db.getRepository(OrganizationEntity).findOneBy({ code });
    if (!found) {
      throw new AppError('ORGANIZATION_UNKNOWN', `There is no organization with code ${code}.`);
    }
    return found;
  }
}
