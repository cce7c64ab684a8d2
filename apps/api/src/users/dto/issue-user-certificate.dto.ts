import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class IssueUserCertificateDto {
  @ApiProperty({ minLength: 8, description: 'protects the PKCS #12 file' })
  @IsString()
  @Length(8, 256, { message: 'password must have 8 to 256 characters' })
  password!: string;
}
