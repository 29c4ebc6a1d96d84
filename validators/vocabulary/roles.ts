/** Who a signed-in person is: the role decides the portal and what they may do in it. */

/** Every role, clinic staff first. */
export const ROLES = ['technician', 'veterinarian', 'manager', 'front_desk', 'pharmacist', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The roles of a clinic's staff (the clinic portal). */
export const CLINIC_ROLES = ['technician', 'veterinarian', 'manager', 'front_desk'] as const satisfies readonly Role[];

/** Whether a string names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
