import type { OrganizationView, Wire } from '@enroll/contract';
import { useQuery } from '@tanstack/react-query';
import { getJson, postJson } from '../../../shared/api/http';

export type Organization = Wire<OrganizationView>;
export interface NewOrganization {
  code: string;
  name: string;
  country: string;
}

export const organizationKeys = { all: ['organizations'] as const };
export const fetchOrganizations = (signal?: AbortSignal): Promise<Organization[]> =>
  getJson('/api/v1/organizations', signal);
export const createOrganization = (input: NewOrganization): Promise<Organization> =>
  postJson('/api/v1/organizations', input);

/** The organizations, for administrators' pickers and filters (managers are never asked). */
export function useOrganizations(enabled = true) {
  return useQuery({
    queryKey: organizationKeys.all,
    queryFn: ({ signal }) => fetchOrganizations(signal),
    enabled,
    staleTime: 60_000,
  });
}
