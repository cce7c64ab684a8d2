import { Module } from '@nestjs/common';
import { ClientBundleStore } from './client-bundle';
import { DownloadsController } from './downloads.controller';

/** Files handed to devices: the client as one file (issue 13). */
@Module({ providers: [ClientBundleStore], controllers: [DownloadsController] })
export class DownloadsModule {}
