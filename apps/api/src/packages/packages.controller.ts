import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access.decorators';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { CreatePackageDto } from './dto/create-package.dto';
import { PackagesService } from './packages.service';

@ApiTags('packages')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/packages')
export class PackagesController {
  constructor(private readonly packages: PackagesService) {}

  @Post()
  create(@Req() request: AuthenticatedRequest, @Body() body: CreatePackageDto) {
    return this.packages.create((request.user as UserPrincipal).actor, body);
  }

  @Get()
  list() {
    return this.packages.list();
  }

  @Post(':id/disable')
  @HttpCode(200)
  disable(@Req() request: AuthenticatedRequest, @Param('id') id: string) {
    return this.packages.disable((request.user as UserPrincipal).actor, id);
  }
}
