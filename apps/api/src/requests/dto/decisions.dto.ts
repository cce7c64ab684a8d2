import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { API_REVOCATION_REASONS, type ApiRevocationReason } from '@enroll/domain';

export class ApproveDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 1000) comment?: string;
}

export class RejectDto {
  @ApiProperty({ description: 'shown to the requester' }) @IsString() @Length(1, 1000) reason!: string;
}

export class RevokeDto {
  @ApiProperty({ enum: API_REVOCATION_REASONS }) @IsIn(API_REVOCATION_REASONS) reason!: ApiRevocationReason;
}
