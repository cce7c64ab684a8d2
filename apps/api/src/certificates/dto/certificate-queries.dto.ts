import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { REQUEST_KINDS } from '@enroll/domain';
import { NO_CONTROL_LINE } from '../../common/text';
import { PageQuery } from '../../common/paging';
import { CERTIFICATE_FORMATS, type CertificateFormat } from '../certificate-format';

/** The profiles a certificate list can be filtered by: the request kinds, and people's certificates. */
export const CERTIFICATE_KINDS = [...REQUEST_KINDS, 'manager'] as const;

export class CertificateListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['valid', 'revoked', 'expired'] })
  @IsOptional()
  @IsIn(['valid', 'revoked', 'expired'])
  status?: 'valid' | 'revoked' | 'expired';
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(2, 32) organizationCode?: string;
  @ApiPropertyOptional({ description: 'ISO 8601: certificates that expire before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiringBefore?: string;
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'false: only certificates no renewal has superseded yet; true: only superseded ones',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  renewed?: 'true' | 'false';
  @ApiPropertyOptional({ enum: CERTIFICATE_KINDS, description: 'the profile: a request kind, or manager (people)' })
  @IsOptional()
  @IsIn(CERTIFICATE_KINDS)
  kind?: (typeof CERTIFICATE_KINDS)[number];
  @ApiPropertyOptional({
    description: 'a fragment of the common name, or the start of the serial number (hex, colons allowed)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(NO_CONTROL_LINE)
  q?: string;
}

export class DownloadQuery {
  @ApiPropertyOptional({ enum: CERTIFICATE_FORMATS, default: 'pem' })
  @IsOptional()
  @IsIn(CERTIFICATE_FORMATS)
  format?: CertificateFormat;
}
