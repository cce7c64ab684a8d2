import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../common/access.decorators';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { CreateUserDto } from './dto/create-user.dto';
import { IssueUserCertificateDto } from './dto/issue-user-certificate.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@Req() request: AuthenticatedRequest, @Body() body: CreateUserDto) {
    return this.users.create((request.user as UserPrincipal).actor, body);
  }

  @Get()
  list() {
    return this.users.list();
  }

  @Post(':id/certificate')
  @HttpCode(200)
  @ApiProduces('application/x-pkcs12')
  async certificate(@Req() request: AuthenticatedRequest, @Param('id') id: string, @Body() body: IssueUserCertificateDto, @Res() response: Response): Promise<void> {
    const { filename, pkcs12 } = await this.users.issueCertificate((request.user as UserPrincipal).actor, id, body.password);
    response.type('application/x-pkcs12').attachment(filename).send(pkcs12);
  }
}
