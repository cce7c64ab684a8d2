import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class IssueUserCertificateDto {
  @ApiProperty({ minLength: 8, description: 'protects the PKCS #12 file' })
  @IsString()
  @Length(8, 256, { message: 'password must have 8 to 256 characters' })
  password!: string;

  @ApiPropertyOptional({
    description:
      "revoke the person's valid user certificates (reason superseded) in the same transaction; default false",
  })
  @IsOptional()
  @IsBoolean()
  revokePrevious?: boolean;
}
