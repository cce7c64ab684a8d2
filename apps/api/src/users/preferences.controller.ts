import { Body, Controller, Get, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access.decorators';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { UpdatePreferencesDto } from './dto/preferences.dto';
import { PreferencesService } from './preferences.service';

@ApiTags('auth')
@ApiBearerAuth()
@Roles('admin', 'manager')
@Controller('api/v1/auth/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  @Get()
  get(@Req() request: AuthenticatedRequest) {
    return this.preferences.get((request.user as UserPrincipal).actor);
  }

  @Put()
  @ApiOperation({ summary: 'Your e-mail address, the language of your mails, immediate mails or a daily digest' })
  update(@Req() request: AuthenticatedRequest, @Body() body: UpdatePreferencesDto) {
    return this.preferences.update((request.user as UserPrincipal).actor, body);
  }
}
