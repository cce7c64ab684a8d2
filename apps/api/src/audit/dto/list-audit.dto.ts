import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { PageQuery } from '../../common/paging';
import { NO_CONTROL_LINE } from '../../common/text';

/** The audit log's filters, for a page and for the CSV export alike. */
export class AuditFilterQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  requestId?: number;

  @ApiPropertyOptional({ description: 'exact actor name' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_LINE)
  actor?: string;

  @ApiPropertyOptional({ description: 'exact action, e.g. request.approved' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9._-]+$/)
  action?: string;

  @ApiPropertyOptional({ description: 'the start of the target (a serial, a username, a package id...)' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_LINE)
  target?: string;

  @ApiPropertyOptional({ description: 'ISO 8601: events at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601: events before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class ListAuditQuery extends IntersectionType(PageQuery, AuditFilterQuery) {}
