/**
 * The platform administrator's room: what vialcart's own staff (role `admin`) set up for the
 * tenants. Every function checks the admin role itself.
 *
 * - `clinics.server.ts`  clinics: create (policies and first manager's invitation in one
 *                        transaction), edit, invite a manager, suspend and restore
 *
 * - `pharmacies.server.ts` pharmacies: create, edit, ship-to licences, connection and test
 *                        order, signing secret rotation, pharmacists' invitations, payouts
 *                        (Stripe Connect), activate and deactivate
 *
 * People are invited through the identity room (`inviteUser`), so clinics and pharmacies share
 * one invitation mechanism; pharmacies are onboarded beside the clinics here.
 */
export { createClinic, getClinicForAdmin, inviteClinicManager, listClinics, setClinicSuspended, updateClinic, type ClinicInput } from './clinics.server';
export {
  createPharmacy,
  getPharmacyForAdmin,
  invitePharmacist,
  listPharmacies,
  pharmaciesPaidOnAccount,
  removeShipLicense,
  rotateSigningSecret,
  saveConnection,
  saveShipLicense,
  sendTestOrder,
  setPharmacyActive,
  startPayoutsOnboarding,
  updatePharmacy,
  DEFAULT_OVERLAP_HOURS,
  MAX_OVERLAP_HOURS,
  type ConnectionInput,
  type PayoutsState,
  type PharmacyInput,
  type TestOrderResult,
} from './pharmacies.server';
