import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/access.decorators';
import { ClientBundleStore } from './client-bundle';

@ApiTags('downloads')
@Public()
@Controller('downloads')
export class DownloadsController {
  constructor(private readonly bundles: ClientBundleStore) {}

  /** Public: the client holds no secret; the package file (from the portal) is what makes it an organization's. */
  @Get('enroll.cjs')
  @ApiOperation({ summary: 'The enroll client as one file that runs with Node.js alone (`node enroll.cjs --help`)' })
  @ApiProduces('application/javascript')
  async client(@Req() request: Request, @Res() response: Response): Promise<void> {
    const bundle = await this.bundles.bundle();
    const etag = `"${bundle.sha256}"`;
    response.setHeader('etag', etag);
    response.setHeader('cache-control', 'no-cache');
    response.setHeader('x-content-sha256', bundle.sha256);
    if (request.headers['if-none-match'] === etag) {
      response.status(304).end();
      return;
    }
    response.attachment('enroll.cjs').type('application/javascript; charset=utf-8').send(bundle.body);
  }
}
