import { DataSource } from 'typeorm';
import { AdminRole } from '../../admin/entities/admin-user.entity';
import { PERMISSION_CATALOGUE, ROLE_PERMISSIONS } from '../../auth/guards/permissions';

/** The four tiers a fresh platform starts with; an import of the legacy store's tiers takes precedence. */
export const DEFAULT_TIERS = [
  { name: 'basic', rank: 1, minTotalInvested: '0', maxSingleInvestment: '1000.00', benefits: ['Standard support'] },
  { name: 'silver', rank: 2, minTotalInvested: '5000.00', maxSingleInvestment: '10000.00', benefits: ['Priority support'] },
  { name: 'gold', rank: 3, minTotalInvested: '25000.00', maxSingleInvestment: '50000.00', benefits: ['Priority support', 'Early access'] },
  { name: 'platinum', rank: 4, minTotalInvested: '100000.00', maxSingleInvestment: null, benefits: ['Dedicated manager', 'Early access'] },
];

export interface SeedResult {
  tiersInserted: number;
  permissionsInserted: number;
}

/** Inserts the reference data that is missing; never overwrites what is there. Safe to run any number of times. */
export async function seedReferenceData(dataSource: DataSource): Promise<SeedResult> {
  return dataSource.transaction(async (manager) => {
    let tiersInserted = 0;
    for (const tier of DEFAULT_TIERS) {
      const rows: unknown[] = await manager.query(
        `INSERT INTO user_tiers (name, rank, min_total_invested, max_single_investment, benefits)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING id`,
        [tier.name, tier.rank, tier.minTotalInvested, tier.maxSingleInvestment, tier.benefits],
      );
      tiersInserted += rows.length;
    }
    let permissionsInserted = 0;
    for (const role of Object.values(AdminRole)) {
      for (const permission of ROLE_PERMISSIONS[role]) {
        const description = permission === '*' ? 'Everything' : PERMISSION_CATALOGUE[permission];
        const rows: unknown[] = await manager.query(
          `INSERT INTO admin_permissions (role, permission, description) VALUES ($1, $2, $3)
           ON CONFLICT (role, permission) WHERE role IS NOT NULL DO NOTHING RETURNING id`,
          [role, permission, description],
        );
        permissionsInserted += rows.length;
      }
    }
    return { tiersInserted, permissionsInserted };
  });
}

/**
 * What `npm start` runs after its migrations, so a fresh database works without `db:seed`: the
 * default tiers when there are no tiers at all (an imported tier list stays as it is), and a role's
 * grants when that role has none (grants an operator changed stay as they are). Idempotent.
 */
export async function ensureReferenceData(dataSource: DataSource): Promise<SeedResult> {
  return dataSource.transaction(async (manager) => {
    // Instances starting together take turns; the second finds everything there.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('pend:reference-data'))`);
    const [{ tiers }] = (await manager.query('SELECT count(*)::int AS tiers FROM user_tiers')) as { tiers: number }[];
    let tiersInserted = 0;
    if (tiers === 0) {
      for (const tier of DEFAULT_TIERS) {
        await manager.query(
          `INSERT INTO user_tiers (name, rank, min_total_invested, max_single_investment, benefits) VALUES ($1, $2, $3, $4, $5)`,
          [tier.name, tier.rank, tier.minTotalInvested, tier.maxSingleInvestment, tier.benefits],
        );
        tiersInserted++;
      }
    }
    const granted = (await manager.query('SELECT DISTINCT role FROM admin_permissions WHERE role IS NOT NULL')) as { role: string }[];
    const rolesWithGrants = new Set(granted.map((row) => row.role));
    let permissionsInserted = 0;
    for (const role of Object.values(AdminRole)) {
      if (rolesWithGrants.has(role)) continue;
      for (const permission of ROLE_PERMISSIONS[role]) {
        const description = permission === '*' ? 'Everything' : PERMISSION_CATALOGUE[permission];
        await manager.query(`INSERT INTO admin_permissions (role, permission, description) VALUES ($1, $2, $3)`, [
          role,
          permission,
          description,
        ]);
        permissionsInserted++;
      }
    }
    return { tiersInserted, permissionsInserted };
  });
}
