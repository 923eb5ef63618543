export const ROLES = ['officer', 'supervisor', 'inspector', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** Roles whose tokens must name a force. */
export const FORCE_ROLES: readonly Role[] = ['officer', 'supervisor'];

/** Who is calling, from a verified token. */
export interface Principal {
  sub: string;
  role: Role;
  /** The token's force (required for officer and supervisor). */
  force: string | null;
}
