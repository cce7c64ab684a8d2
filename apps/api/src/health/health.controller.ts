import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../common/access.decorators';
import { DATABASE_RETRY_AFTER_SECONDS } from '../common/problem-details.filter';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly db: DataSource) {}

  /** 503 with Retry-After while the database cannot be reached; the pool reconnects by itself afterwards. */
  @Get()
  async health(@Res() response: Response): Promise<void> {
    try {
      await this.db.query('SELECT 1');
      response.json({ status: 'ok', database: 'up' });
    } catch {
      response.status(503).setHeader('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      response.json({ status: 'error', database: 'down' });
    }
  }
}
