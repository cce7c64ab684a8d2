import { forwardRef, Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { PackageStrategy } from './auth/package.strategy';
import { LoginThrottle } from './auth/login-throttle';
import { SessionStrategy } from './auth/session.strategy';
import { SessionsRepository } from './auth/sessions.repository';
import { CertificatesController } from './certificates/certificates.controller';
import { CertificatesService } from './certificates/certificates.service';
import { Clock } from './common/clock';
import { DashboardController } from './dashboard/dashboard.controller';
import { DashboardRepository } from './dashboard/dashboard.repository';
import { DashboardService } from './dashboard/dashboard.service';
import { DatabaseMaintenance } from './database/maintenance.service';
import { HealthController } from './health/health.controller';
import { OrganizationsController } from './organizations/organizations.controller';
import { OrganizationsService } from './organizations/organizations.service';
import { PackagesController } from './packages/packages.controller';
import { PackagesService } from './packages/packages.service';
import { AuthorityModule } from './authority';
import { PkiController } from './pki/pki.controller';
import { OcspService } from './pki/ocsp.service';
import { DeviceController } from './mtls/device.controller';
import { DeviceService } from './mtls/device.service';
import { DeviceStrategy } from './mtls/device.strategy';
import { DecisionsService } from './requests/decisions.service';
import { EnrollmentController } from './requests/enrollment.controller';
import { PickupService } from './requests/pickup.service';
import { QueueService } from './requests/queue.service';
import { RequestEvents } from './requests/request-events';
import { RequestsController } from './requests/requests.controller';
import { RequestsRepository } from './requests/requests.repository';
import { EnrollmentService } from './requests/enrollment.service';
import { RequestTransitions } from './requests/request-transitions';
import { RenewalService } from './requests/renewal.service';
import { UsersController } from './users/users.controller';
import { PreferencesController } from './users/preferences.controller';
import { PreferencesService } from './users/preferences.service';
import { UsersService } from './users/users.service';
import { UsersRepository } from './users/users.repository';
import { CertificateRevocationsService } from './users/certificate-revocations.service';

/** Services every context uses: the clock and the audit log; and the database's upkeep. */
@Global()
@Module({ providers: [Clock, AuditService, DatabaseMaintenance], exports: [Clock, AuditService, DatabaseMaintenance] })
export class CoreModule {}

/** The public PKI endpoints: the chain, the CRL and OCSP, served from the authority. */
@Module({ imports: [AuthorityModule], providers: [OcspService], controllers: [PkiController], exports: [OcspService] })
export class PkiModule {}

@Module({
  imports: [PassportModule, AuthorityModule],
  providers: [AuthService, SessionStrategy, PackageStrategy, SessionsRepository, LoginThrottle, UsersRepository],
  controllers: [AuthController],
  exports: [AuthService, SessionsRepository, LoginThrottle, UsersRepository],
})
export class AuthModule {}

@Module({ providers: [OrganizationsService], controllers: [OrganizationsController], exports: [OrganizationsService] })
export class OrganizationsModule {}

@Module({
  // RequestsModule is declared below: a forward reference.
  imports: [OrganizationsModule, AuthorityModule, AuthModule, forwardRef(() => RequestsModule)],
  providers: [UsersService, CertificateRevocationsService, PreferencesService],
  controllers: [UsersController, PreferencesController],
  exports: [CertificateRevocationsService],
})
export class UsersModule {}

@Module({
  imports: [OrganizationsModule, AuthorityModule],
  providers: [PackagesService],
  controllers: [PackagesController],
})
export class PackagesModule {}

@Module({
  imports: [AuthorityModule],
  providers: [
    RequestsRepository,
    RequestEvents,
    RequestTransitions,
    EnrollmentService,
    DecisionsService,
    PickupService,
    QueueService,
    RenewalService,
  ],
  controllers: [EnrollmentController, RequestsController],
  exports: [DecisionsService, RequestsRepository, RenewalService, EnrollmentService],
})
export class RequestsModule {}

@Module({
  imports: [AuthorityModule, UsersModule],
  providers: [CertificatesService],
  controllers: [CertificatesController],
})
export class CertificatesModule {}

@Module({
  imports: [PassportModule, AuthorityModule, RequestsModule],
  providers: [DeviceStrategy, DeviceService],
  controllers: [DeviceController],
})
export class MtlsModule {}

@Module({ controllers: [AuditController] })
export class AuditModule {}

@Module({ controllers: [HealthController] })
export class HealthModule {}

/** The overview: aggregates of requests and certificates, read-only. */
@Module({
  imports: [AuthorityModule],
  providers: [DashboardService, DashboardRepository],
  controllers: [DashboardController],
})
export class DashboardModule {}
