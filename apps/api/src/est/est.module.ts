import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import express from 'express';
import { AuthorityModule } from '../authority';
import { PackageStrategy } from '../auth/package.strategy';
import { RequestsModule } from '../modules';
import { FrontDoorRepository } from '../scep/front-door.repository';
import { EstController } from './est.controller';
import { EstService } from './est.service';

/** EST (RFC 7030) on the mutual-TLS port, over the enrollment core. */
@Module({
  imports: [AuthorityModule, RequestsModule],
  providers: [EstService, FrontDoorRepository, PackageStrategy],
  controllers: [EstController],
})
export class EstModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // application/pkcs10 bodies are base64 text; read them whatever type the client declares.
    consumer.apply(express.raw({ type: () => true, limit: '64kb' })).forRoutes(EstController);
  }
}
