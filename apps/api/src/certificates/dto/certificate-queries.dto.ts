import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { PageQuery } from '../../common/paging';
import { CERTIFICATE_FORMATS, type CertificateFormat } from '../certificate-format';

export class CertificateListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['valid', 'revoked', 'expired'] }) @IsOptional() @IsIn(['valid', 'revoked', 'expired']) status?: 'valid' | 'revoked' | 'expired';
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(2, 32) organizationCode?: string;
  @ApiPropertyOptional({ description: 'ISO 8601: certificates that expire before this instant' }) @IsOptional() @IsISO8601({ strict: true }) expiringBefore?: string;
}

export class DownloadQuery {
  @ApiPropertyOptional({ enum: CERTIFICATE_FORMATS, default: 'pem' }) @IsOptional() @IsIn(CERTIFICATE_FORMATS) format?: CertificateFormat;
}
