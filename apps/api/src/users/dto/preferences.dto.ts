import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, Length, ValidateIf } from 'class-validator';

export const LANGUAGES = ['en', 'fr'] as const;

/** `PUT /api/v1/auth/preferences`: what a person may set about itself; a field left out is kept. */
export class UpdatePreferencesDto {
  @ApiPropertyOptional({ nullable: true, description: 'where notifications are mailed; null: none' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsEmail()
  @Length(3, 255)
  email?: string | null;

  @ApiPropertyOptional({ enum: LANGUAGES, description: 'the language of mails (and of the portal)' })
  @IsOptional()
  @IsIn(LANGUAGES)
  language?: (typeof LANGUAGES)[number];

  @ApiPropertyOptional({ description: 'true: one digest a day instead of one mail per event' })
  @IsOptional()
  @IsBoolean()
  mailDigest?: boolean;
}
