import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { NO_CONTROL_LINE } from '../../common/text';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'J1CFRA', description: 'Upper-case letters, digits, - and _; becomes O in certificates' })
  @IsString()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{1,31}$/, { message: 'code must be 2 to 32 upper-case letters, digits, - or _' })
  code!: string;

  @ApiProperty({ example: 'France-LA POSTE' })
  @IsString()
  @Length(1, 200)
  @Matches(NO_CONTROL_LINE, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({ example: 'FR', description: 'ISO 3166 two-letter code; becomes C in certificates' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166 two-letter code in capitals' })
  country!: string;
}
