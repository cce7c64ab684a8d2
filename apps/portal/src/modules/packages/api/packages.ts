import type { CreatedPackage, PackageView, Wire } from '@enroll/contract';
import type { CertificateStore, RenewalMode, RequestKind } from '@enroll/domain';
import { getJson, postJson } from '../../../shared/api/http';

export type Package = Wire<PackageView>;
export type NewPackageResult = Wire<CreatedPackage>;
export interface NewPackage {
  organizationCode: string;
  label?: string;
  environment: string;
  store: CertificateStore;
  kinds: RequestKind[];
  renewal?: RenewalMode;
  renewalSameKey?: boolean;
}

export const packageKeys = { all: ['packages'] as const };
export const fetchPackages = (signal?: AbortSignal): Promise<Package[]> => getJson('/api/v1/packages', signal);
export const createPackage = (input: NewPackage): Promise<NewPackageResult> => postJson('/api/v1/packages', input);
export const disablePackage = (id: string): Promise<Package> => postJson(`/api/v1/packages/${id}/disable`);
