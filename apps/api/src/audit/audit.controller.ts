import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../common/access.decorators';
import { AuditService } from './audit.service';
import { AuditFilterQuery, ListAuditQuery } from './dto/list-audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  list(@Query() query: ListAuditQuery) {
    return this.audit.list(query);
  }

  /** The filtered log as CSV (RFC 4180), newest first, up to AUDIT_EXPORT_LIMIT events. */
  @Get('export.csv')
  @ApiProduces('text/csv')
  async export(@Query() query: AuditFilterQuery, @Res() response: Response): Promise<void> {
    response
      .type('text/csv; charset=utf-8')
      .attachment('audit.csv')
      .send(await this.audit.csv(query));
  }
}
