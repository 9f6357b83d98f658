import { AdminRole } from '../../admin/entities/admin-user.entity';

/** Every `resource:action` the admin routes check, with what it allows. */
export const PERMISSION_CATALOGUE = {
  'users:read': 'Read investor accounts, profiles and holdings',
  'users:write': 'Suspend, reactivate or edit investor accounts',
  'kyc:read': 'Read KYC applications and document metadata',
  'kyc:review': 'Approve or reject KYC applications',
  'assets:read': 'Read assets including drafts',
  'assets:write': 'Create, edit and publish assets',
  'investments:read': 'Read all investments and transactions',
  'investments:manage': 'Confirm, cancel and refund investments',
  'blockchain:read': 'Read indexed contract events and calls',
  'blockchain:ingest': 'Ingest contract events and calls',
  'analytics:read': 'Read platform analytics and dashboards',
  'system:read': 'Read database health, activity and performance metrics',
  'system:backup': 'Run and restore backups',
  'admin_logs:read': 'Read the admin audit trail',
  'admins:manage': 'Create admins and change their roles and grants',
} as const;

export type Permission = keyof typeof PERMISSION_CATALOGUE | '*';

/** What each role may do, seeded into admin_permissions; per-admin grants add to it. */
export const ROLE_PERMISSIONS: Record<AdminRole, Permission[]> = {
  [AdminRole.Superadmin]: ['*'],
  [AdminRole.Compliance]: ['users:read', 'kyc:read', 'kyc:review', 'investments:read', 'admin_logs:read'],
  [AdminRole.Support]: ['users:read', 'kyc:read', 'assets:read', 'investments:read', 'blockchain:read'],
  [AdminRole.Analyst]: ['users:read', 'assets:read', 'investments:read', 'blockchain:read', 'analytics:read', 'system:read'],
};

/** True when the granted set allows `required` (`*` and `resource:*` are wildcards). */
export function permits(granted: Iterable<string>, required: string): boolean {
  const [resource] = required.split(':');
  for (const grant of granted) {
    if (grant === '*' || grant === required || grant === `${resource}:*`) return true;
  }
  return false;
}
