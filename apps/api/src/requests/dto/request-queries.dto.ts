import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { REQUEST_KINDS, REQUEST_STATUSES, type RequestKind, type RequestStatus } from '@enroll/domain';
import { PageQuery } from '../../common/paging';
import { QUEUE_SORTS, type QueueSort } from '../requests.repository';
import { NO_CONTROL_LINE } from '../../common/text';
import { CERTIFICATE_FORMATS, type CertificateFormat } from '../../certificates/certificate-format';

export class QueueQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES }) @IsOptional() @IsIn(REQUEST_STATUSES) status?: RequestStatus;
  @ApiPropertyOptional({ enum: REQUEST_KINDS }) @IsOptional() @IsIn(REQUEST_KINDS) kind?: RequestKind;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(2, 32) organizationCode?: string;
  @ApiPropertyOptional({ description: 'request id, or the start of the common name or of the requester' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  q?: string;

  @ApiPropertyOptional({ enum: QUEUE_SORTS, default: 'newest', description: 'order by submission' })
  @IsOptional()
  @IsIn(QUEUE_SORTS)
  sort?: QueueSort;
}

export class ClientListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) requestedBy?: string;
}

export class CertificateQuery {
  @ApiPropertyOptional({ enum: CERTIFICATE_FORMATS, default: 'pem' }) @IsOptional() @IsIn(CERTIFICATE_FORMATS) format?: CertificateFormat;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) @Matches(NO_CONTROL_LINE) downloadedBy?: string;
}
