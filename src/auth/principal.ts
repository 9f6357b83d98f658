import { AdminRole } from '../admin/entities/admin-user.entity';

/** Who is calling, as the access token says (and, for admins, what the database grants now). */
export type AuthPrincipal = { kind: 'user'; id: string } | { kind: 'admin'; id: string; role: AdminRole; permissions: string[] };

/** The claims inside an access token. */
export interface AccessTokenClaims {
  sub: string;
  kind: 'user' | 'admin';
}
