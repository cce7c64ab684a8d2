import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { REQUEST_KINDS, type RequestKind } from '@enroll/domain';
import { NO_CONTROL_TEXT as NO_CONTROL } from '../../common/text';

export class DeviceDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) @Matches(NO_CONTROL) machineName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) @Matches(NO_CONTROL) fqdn?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) @Matches(NO_CONTROL) macAddress?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) @Matches(NO_CONTROL) nicId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) @Matches(NO_CONTROL) processorId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) @Matches(NO_CONTROL) osVersion?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) @Matches(NO_CONTROL) osType?: string;
}

export class SubmitRequestDto {
  @ApiProperty({ enum: REQUEST_KINDS })
  @IsIn(REQUEST_KINDS)
  kind!: RequestKind;

  @ApiProperty({ description: 'PKCS #10 request, PEM' })
  @IsString()
  @MaxLength(65_536)
  csr!: string;

  @ApiProperty({ example: 'DOMAIN\\user' })
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL)
  requestedBy!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) @Matches(NO_CONTROL) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) @Matches(NO_CONTROL) description?: string;

  @ApiPropertyOptional({ type: DeviceDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeviceDto)
  device?: DeviceDto;
}
