import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { PageQuery } from '../../common/paging';

export class ListAuditQuery extends PageQuery {
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
  actor?: string;
}
