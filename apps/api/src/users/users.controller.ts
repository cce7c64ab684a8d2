import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../common/access.decorators';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { CreateUserDto } from './dto/create-user.dto';
import { IssueUserCertificateDto } from './dto/issue-user-certificate.dto';
import { ResetPasswordDto } from './dto/reset-password.dto';
import { UsersService } from './users.service';

const actorOf = (request: AuthenticatedRequest) => (request.user as UserPrincipal).actor;

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@Req() request: AuthenticatedRequest, @Body() body: CreateUserDto) {
    return this.users.create(actorOf(request), body);
  }

  @Get()
  list() {
    return this.users.list();
  }

  @Post(':id/certificate')
  @HttpCode(200)
  @ApiProduces('application/x-pkcs12')
  async certificate(
    @Req() request: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: IssueUserCertificateDto,
    @Res() response: Response,
  ): Promise<void> {
    const { filename, pkcs12 } = await this.users.issueCertificate(
      actorOf(request),
      id,
      body.password,
      body.revokePrevious,
    );
    response.type('application/x-pkcs12').attachment(filename).send(pkcs12);
  }

  @Get(':id/certificates')
  @ApiOperation({ summary: 'The user certificates issued to this person, newest first' })
  certificates(@Param('id') id: string) {
    return this.users.certificates(id);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable the account: it cannot sign in, and its sessions end at once' })
  disable(@Req() request: AuthenticatedRequest, @Param('id') id: string) {
    return this.users.disable(actorOf(request), id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  enable(@Req() request: AuthenticatedRequest, @Param('id') id: string) {
    return this.users.enable(actorOf(request), id);
  }

  @Post(':id/password')
  @HttpCode(204)
  @ApiOperation({ summary: "Set a new password: the person's sessions end and its sign-in limits are lifted" })
  async password(
    @Req() request: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: ResetPasswordDto,
  ): Promise<void> {
    await this.users.resetPassword(actorOf(request), id, body.password);
  }

  @Delete(':id/sign-in-limits')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift the back-off that failed sign-ins put on the account' })
  async clearSignInLimits(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<void> {
    await this.users.clearSignInLimits(actorOf(request), id);
  }
}
