import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import {
  CERTIFICATE_STORES,
  RENEWAL_MODES,
  REQUEST_KINDS,
  type CertificateStore,
  type RenewalMode,
  type RequestKind,
} from '@enroll/domain';
import { NO_CONTROL_LINE } from '../../common/text';

export class CreatePackageDto {
  @ApiProperty({ example: 'J1CFRA' })
  @IsString()
  @Length(2, 32)
  organizationCode!: string;

  @ApiProperty({ example: 'Production' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, {
    message: 'environment must be 1 to 64 letters, digits, spaces, . _ or -',
  })
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

  @ApiPropertyOptional({
    enum: RENEWAL_MODES,
    description: 'automatic (default): renewals are issued at once; approval: they wait for a person',
  })
  @IsOptional()
  @IsIn(RENEWAL_MODES)
  renewal?: RenewalMode;

  @ApiPropertyOptional({
    example: 'Accounting PCs, Bern',
    description: 'a name to tell packages apart (1-100 characters)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(NO_CONTROL_LINE, { message: 'label must not contain control characters' })
  label?: string;

  @ApiPropertyOptional({ description: 'Whether a renewal may keep the current key (default false: a new key)' })
  @IsOptional()
  @IsBoolean()
  renewalSameKey?: boolean;
}
