import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import { NOTIFICATION_EVENTS, type NotificationEvent } from './messages';

export class CreateWebhookDto {
  @ApiProperty({
    description: 'an http(s) URL that the API POSTs each event to',
    example: 'https://tickets.example/hooks/enroll',
  })
  @IsString()
  @Length(8, 2048)
  @Matches(/^https?:\/\/[^\s/?#]+[^\s]*$/i, { message: 'url must be an http:// or https:// URL' })
  url!: string;

  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NOTIFICATION_EVENTS.length)
  @ArrayUnique()
  @IsIn(NOTIFICATION_EVENTS, { each: true })
  events!: NotificationEvent[];

  @ApiProperty({ description: 'the HMAC-SHA256 key of Enroll-Signature (16 to 256 characters)' })
  @IsString()
  @Length(16, 256)
  secret!: string;
}
