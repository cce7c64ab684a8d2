import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { API_REVOCATION_REASONS, type ApiRevocationReason } from '@enroll/domain';

export class RevokeCertificateDto {
  @ApiProperty({ enum: API_REVOCATION_REASONS })
  @IsIn(API_REVOCATION_REASONS)
  reason!: ApiRevocationReason;
}
