import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import express from 'express';
import { AuthorityModule } from '../authority';
import { RequestsModule } from '../modules';
import { FrontDoorRepository } from './front-door.repository';
import { ScepController } from './scep.controller';
import { ScepRa } from './scep-ra';
import { ScepService } from './scep.service';

/** Largest pkiMessage read: a PKCSReq with a 4096-bit key is under 8 KiB. */
const MAX_MESSAGE = '64kb';

/** SCEP (RFC 8894) on the HTTP port, over the enrollment core. */
@Module({
  imports: [AuthorityModule, RequestsModule],
  providers: [ScepRa, ScepService, FrontDoorRepository],
  controllers: [ScepController],
  exports: [ScepRa, FrontDoorRepository],
})
export class ScepModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // pkiMessages are binary (application/x-pki-message, or whatever type a client sends).
    consumer.apply(express.raw({ type: () => true, limit: MAX_MESSAGE })).forRoutes(ScepController);
  }
}
