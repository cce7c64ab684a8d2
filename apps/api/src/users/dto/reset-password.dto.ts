import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ResetPasswordDto {
  @ApiProperty({ minLength: 12 })
  @IsString()
  @Length(12, 256, { message: 'password must have 12 to 256 characters' })
  password!: string;
}
