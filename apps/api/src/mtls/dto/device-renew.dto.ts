import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class DeviceRenewDto {
  @ApiProperty({
    description:
      'PKCS #10 request, PEM, with the same subject CN as the presented certificate and (by default) a new key',
  })
  @IsString()
  @MaxLength(65_536)
  csr!: string;
}
