import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class CertificateLoginDto {
  @ApiPropertyOptional({ description: 'required for managers when ENROLL_MANAGER_SIGN_IN is certificate-and-password' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  password?: string;
}
