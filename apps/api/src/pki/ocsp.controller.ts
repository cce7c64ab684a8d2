import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ocspErrorResponse } from '@enroll/pki';
import { Public } from '../common/access.decorators';
import { OcspService } from './ocsp.service';

const send = (response: Response, der: Buffer): void => {
  // Statuses are read from the database per request; caches must not hide a revocation.
  response.type('application/ocsp-response').set('Cache-Control', 'no-store').send(der);
};

@ApiTags('pki')
@Public()
@Controller('pki/ocsp')
export class OcspController {
  constructor(private readonly ocsp: OcspService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'RFC 6960 OCSP over POST (application/ocsp-request)' })
  async post(@Req() request: Request, @Res() response: Response): Promise<void> {
    const body: unknown = request.body;
    send(response, Buffer.isBuffer(body) ? await this.ocsp.respond(body) : ocspErrorResponse('malformedRequest'));
  }

  @Get('*request')
  @ApiOperation({ summary: 'RFC 6960 OCSP over GET: the base64 DER request, URL-encoded, after /pki/ocsp/' })
  async get(@Param('request') request: string | string[], @Res() response: Response): Promise<void> {
    const encoded = decodeURIComponent(Array.isArray(request) ? request.join('/') : request);
    const der = /^[A-Za-z0-9+/=_-]{1,4096}$/.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    send(response, der.length > 0 ? await this.ocsp.respond(der) : ocspErrorResponse('malformedRequest'));
  }
}
