import type { DashboardView, Wire } from '@enroll/contract';
import { getJson } from '../../../shared/api/http';

export type Dashboard = Wire<DashboardView>;

export const fetchDashboard = (signal?: AbortSignal): Promise<Dashboard> => getJson('/api/v1/dashboard', signal);
