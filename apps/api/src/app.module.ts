import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { AccessGuard } from './common/access.guard';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { DATABASE_TARGET, dataSourceOptions, type DatabaseTarget } from './database/database-options';
import {
  AuditModule,
  AuthModule,
  CertificatesModule,
  CoreModule,
  DashboardModule,
  HealthModule,
  MtlsModule,
  OrganizationsModule,
  PackagesModule,
  PkiModule,
  RequestsModule,
  UsersModule,
} from './modules';
import { DownloadsModule } from './downloads/downloads.module';
import { EstModule } from './est/est.module';
import { ScepModule } from './scep/scep.module';
import { NotificationsModule } from './notifications/notifications.module';

@Module({})
export class AppModule {
  /** The whole API for one configuration and one database (migrations run at start-up). */
  static register(config: AppConfig, database: DatabaseTarget): DynamicModule {
    return {
      module: AppModule,
      imports: [
        {
          module: ConfigHolder,
          global: true,
          providers: [
            { provide: APP_CONFIG, useValue: config },
            { provide: DATABASE_TARGET, useValue: database },
          ],
          exports: [APP_CONFIG, DATABASE_TARGET],
        },
        TypeOrmModule.forRoot({ ...dataSourceOptions(database), migrationsRun: true }),
        CoreModule,
        PkiModule,
        AuthModule,
        OrganizationsModule,
        UsersModule,
        PackagesModule,
        RequestsModule,
        CertificatesModule,
        MtlsModule,
        EstModule,
        ScepModule,
        AuditModule,
        DashboardModule,
        NotificationsModule,
        HealthModule,
        DownloadsModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}

@Module({})
class ConfigHolder {}
