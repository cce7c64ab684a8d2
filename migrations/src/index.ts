import { CreateOrganizationsAndUsers1764000000000 } from './1764000000000-CreateOrganizationsAndUsers';
import { CreateSessions1764000000001 } from './1764000000001-CreateSessions';
import { CreateEnrollmentPackages1764000000002 } from './1764000000002-CreateEnrollmentPackages';
import { CreateRequests1764000000003 } from './1764000000003-CreateRequests';
import { CreateCertificates1764000000004 } from './1764000000004-CreateCertificates';
import { CreateAuditEvents1764000000005 } from './1764000000005-CreateAuditEvents';
import { CreateCertificateAuthorities1764000000006 } from './1764000000006-CreateCertificateAuthorities';
import { AddQueueIndexes1764000000007 } from './1764000000007-AddQueueIndexes';
import { CreateTransitionFunctions1764000000008 } from './1764000000008-CreateTransitionFunctions';
import { CreateRequestCounts1764000000009 } from './1764000000009-CreateRequestCounts';
import { KeyOpenSubjectByExpression1764000000010 } from './1764000000010-KeyOpenSubjectByExpression';
import { AddRequestChannelAndKey1764000000011 } from './1764000000011-AddRequestChannelAndKey';
import { RestateTransitionFunctions1764000000012 } from './1764000000012-RestateTransitionFunctions';
import { AddRenewal1764000000013 } from './1764000000013-AddRenewal';
import { TakeTheRootOffline1764000000014 } from './1764000000014-TakeTheRootOffline';
import { RefuseCompromisedKeysAtApproval1764000000015 } from './1764000000015-RefuseCompromisedKeysAtApproval';
import { IndexRequestSearchByTrigram1764000000020 } from './1764000000020-IndexRequestSearchByTrigram';
import { MoveSearchTextOutOfRequests1764000000021 } from './1764000000021-MoveSearchTextOutOfRequests';
import { AddUserDisabled1764000000030 } from './1764000000030-AddUserDisabled';
import { AddSessionCertificate1764000000031 } from './1764000000031-AddSessionCertificate';
import { CreateLoginThrottle1764000000032 } from './1764000000032-CreateLoginThrottle';
import { IndexCertificatesByUser1764000000033 } from './1764000000033-IndexCertificatesByUser';
import { ScopeSupersedeToRequester1764000000040 } from './1764000000040-ScopeSupersedeToRequester';
import { AddScepFrontDoor1764000000050 } from './1764000000050-AddScepFrontDoor';
import { CreateNotificationOutbox1764000000060 } from './1764000000060-CreateNotificationOutbox';
import { AddMailDigest1764000000070 } from './1764000000070-AddMailDigest';
import { IndexOutboxByOrganization1764000000071 } from './1764000000071-IndexOutboxByOrganization';
import { DescribePackages1764000000072 } from './1764000000072-DescribePackages';
import { WakeOutboxWorkers1764000000073 } from './1764000000073-WakeOutboxWorkers';

/** Every migration, in order. Never edit one that has landed: add a new one. */
export const MIGRATIONS = [
  CreateOrganizationsAndUsers1764000000000,
  CreateSessions1764000000001,
  CreateEnrollmentPackages1764000000002,
  CreateRequests1764000000003,
  CreateCertificates1764000000004,
  CreateAuditEvents1764000000005,
  CreateCertificateAuthorities1764000000006,
  AddQueueIndexes1764000000007,
  CreateTransitionFunctions1764000000008,
  CreateRequestCounts1764000000009,
  KeyOpenSubjectByExpression1764000000010,
  AddRequestChannelAndKey1764000000011,
  RestateTransitionFunctions1764000000012,
  AddRenewal1764000000013,
  TakeTheRootOffline1764000000014,
  RefuseCompromisedKeysAtApproval1764000000015,
  IndexRequestSearchByTrigram1764000000020,
  MoveSearchTextOutOfRequests1764000000021,
  AddUserDisabled1764000000030,
  AddSessionCertificate1764000000031,
  CreateLoginThrottle1764000000032,
  IndexCertificatesByUser1764000000033,
  ScopeSupersedeToRequester1764000000040,
  AddScepFrontDoor1764000000050,
  CreateNotificationOutbox1764000000060,
  AddMailDigest1764000000070,
  IndexOutboxByOrganization1764000000071,
  DescribePackages1764000000072,
  WakeOutboxWorkers1764000000073,
];
