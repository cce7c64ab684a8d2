import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '@enroll/domain';

export class CreateUserDto {
  @ApiProperty({ example: 'jdupont' })
  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{1,64}$/, { message: 'username must be 1 to 64 letters, digits, . _ @ or -' })
  username!: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @Length(12, 256, { message: 'password must have 12 to 256 characters' })
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ description: 'required for managers, refused for administrators' })
  @IsOptional()
  @IsString()
  @Length(2, 32)
  organizationCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @Length(3, 255)
  email?: string;
}
