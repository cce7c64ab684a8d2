import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { REQUEST_KINDS, REQUEST_STATUSES, type RequestKind, type RequestStatus } from '@enroll/domain';
import { PageQuery } from '../../common/paging';
import { QUEUE_DECIDERS, QUEUE_SORTS, type QueueDecider, type QueueSort } from '../requests.repository';
import { NO_CONTROL_LINE } from '../../common/text';
import { CERTIFICATE_FORMATS, type CertificateFormat } from '../../certificates/certificate-format';

/** The queue's filters without paging: what `GET /api/v1/requests/counts` counts under. */
export class QueueCountsQuery {
  @ApiPropertyOptional({ enum: REQUEST_KINDS }) @IsOptional() @IsIn(REQUEST_KINDS) kind?: RequestKind;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(2, 32) organizationCode?: string;
  @ApiPropertyOptional({
    description:
      'request id, or a fragment (3 characters or more) of the common name, requester, description, machine name or FQDN; shorter text matches their starts',
  })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_LINE)
  q?: string;

  @ApiPropertyOptional({
    enum: QUEUE_DECIDERS,
    description: "kinds an organization's manager decides, or those only the centre decides",
  })
  @IsOptional()
  @IsIn(QUEUE_DECIDERS)
  decider?: QueueDecider;
}

/** The queue: its filters, paging, status and order. */
export class QueueQuery extends IntersectionType(PageQuery, QueueCountsQuery) {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES }) @IsOptional() @IsIn(REQUEST_STATUSES) status?: RequestStatus;

  @ApiPropertyOptional({
    enum: QUEUE_SORTS,
    default: 'newest',
    description: 'by submission (newest, oldest), or by common name or requester (a leading - for descending)',
  })
  @IsOptional()
  @IsIn(QUEUE_SORTS)
  sort?: QueueSort;
}

/** `POST /api/v1/enrollment/requests?dryRun=true`: check and describe the request, store nothing. */
export class SubmitQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'check and preview only: nothing is stored',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

export class ClientListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) requestedBy?: string;
}

export class CertificateQuery {
  @ApiPropertyOptional({ enum: CERTIFICATE_FORMATS, default: 'pem' })
  @IsOptional()
  @IsIn(CERTIFICATE_FORMATS)
  format?: CertificateFormat;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) @Matches(NO_CONTROL_LINE) downloadedBy?: string;
}
