import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import { CERTIFICATE_STORES, REQUEST_KINDS, type CertificateStore, type RequestKind } from '@enroll/domain';

export class CreatePackageDto {
  @ApiProperty({ example: 'J1CFRA' })
  @IsString()
  @Length(2, 32)
  organizationCode!: string;

  @ApiProperty({ example: 'Production' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, { message: 'environment must be 1 to 64 letters, digits, spaces, . _ or -' })
  environment!: string;

  @ApiProperty({ enum: CERTIFICATE_STORES })
  @IsIn(CERTIFICATE_STORES)
  store!: CertificateStore;

  @ApiProperty({ enum: REQUEST_KINDS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIn(REQUEST_KINDS, { each: true })
  kinds!: RequestKind[];
}
