/**
 * The platform administrator's room: what vialcart's own staff (role `admin`) set up for the
 * tenants. Every function checks the admin role itself.
 *
 * - `clinics.server.ts`  clinics: create (policies and first manager's invitation in one
 *                        transaction), edit, invite a manager, suspend and restore
 *
 * People are invited through the identity room (`inviteUser`), so clinics and pharmacies share
 * one invitation mechanism; pharmacy onboarding belongs beside the clinics here.
 */
export { createClinic, getClinicForAdmin, inviteClinicManager, listClinics, setClinicSuspended, updateClinic, type ClinicInput } from './clinics.server';
