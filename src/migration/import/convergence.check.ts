import { ImportUnit } from './import-unit';
import { SqlClient } from './sql-client';
import { checkUserClashes } from './user-clash.check';

/**
 * Rows nested in a record that the store no longer has: an admin's grants dropped from its
 * `permissions`, a profile set back to null. Only rows the import created (legacy id set, or
 * the profile of an imported user) are removed, in the batch's transaction.
 */
export async function dropRemovedPermissions(runner: SqlClient, units: ImportUnit[]): Promise<void> {
  const admins = units.filter((u) => u.table === 'admin_users' && u.rejected === null && u.row);
  if (admins.length === 0) return;
  const emails = admins.map((u) => u.row?.email as string);
  const kept = admins.flatMap((u) => u.children.filter((c) => c.row).map((c) => c.legacyId as string));
  await runner.query(
    `DELETE FROM admin_permissions p USING admin_users a
     WHERE p.admin_user_id = a.id AND a.email = ANY($1::text[]) AND p.legacy_id IS NOT NULL AND p.legacy_id <> ALL($2::text[])`,
    [emails, kept],
  );
}

export async function checkUsers(runner: SqlClient, units: ImportUnit[]): Promise<void> {
  await checkUserClashes(runner, units);
  const withoutProfile = units
    .filter((u) => u.table === 'users' && u.rejected === null && u.row?.phone_e164 && !u.children.some((c) => c.table === 'user_profiles'))
    .map((u) => u.legacyId as string);
  if (withoutProfile.length === 0) return;
  await runner.query(`DELETE FROM user_profiles p USING users u WHERE p.user_id = u.id AND u.legacy_id = ANY($1::text[])`, [
    withoutProfile,
  ]);
}
