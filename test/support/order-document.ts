import type { OrderDocumentV1, OrderDocumentV1Input } from '../../pharmacies/types';

/**
 * A complete `vialcart.order.v1` document: a clinic's order of two lines for one cat, one of
 * them controlled (C-IV), shipped to the owner. Tests change what they are about.
 */
export function sampleOrderDocument(): OrderDocumentV1 & OrderDocumentV1Input {
  return {
    schema: 'vialcart.order.v1',
    messageId: 'msg_01J9Z6M3',
    orderId: 'ord_7f3a',
    createdAt: '2025-03-04T15:30:00Z',
    pharmacy: { id: 'ph_sunrise', slug: 'sunrise' },
    clinic: {
      id: 'cl_harbor',
      name: 'Harbor Animal Hospital',
      phone: '+1 503 555 0100',
      email: 'orders@harbor.example',
      address: { line1: '12 Water St', line2: null, city: 'Portland', state: 'OR', postalCode: '97201' },
    },
    shipTo: {
      kind: 'owner',
      name: 'Dana Ruiz',
      phone: '+1 503 555 0142',
      address: { line1: '88 Elm Ave', line2: 'Apt 4', city: 'Salem', state: 'OR', postalCode: '97301-1234' },
    },
    prescribers: [{ id: 'u_vet1', name: 'Dr. Priya Shah', license: { number: 'OR-VET-1123', state: 'OR' }, deaNumber: 'BS1234563' }],
    patients: [
      {
        id: 'pt_miso',
        name: 'Miso',
        species: 'cat',
        sex: 'female_spayed',
        birthDate: '2012-06-01',
        weightKg: 4.2,
        owner: { name: 'Dana Ruiz', phone: '+1 503 555 0142', email: 'dana@example.com' },
      },
    ],
    lines: [
      {
        lineId: 'ol_1',
        patientId: 'pt_miso',
        prescriberId: 'u_vet1',
        product: { name: 'Methimazole', sku: 'MET-5-30' },
        strength: '5 mg/ml',
        form: 'transdermal gel',
        flavor: null,
        quantity: { value: 1, unit: 'vial' },
        daysSupply: 30,
        refills: 5,
        dateWritten: '2025-02-20',
        sig: {
          text: 'Apply 0.1 ml to inner pinna BID',
          parsed: {
            complete: true,
            missing: [],
            dose: { amount: 0.1, unit: 'ml' },
            route: 'transdermal',
            frequency: { count: 2, period: 1, periodUnit: 'd' },
            timesPerDay: 2,
            asNeeded: false,
            site: 'inner ear pinna',
          },
        },
        deaSchedule: null,
        needByDate: null,
        signatureRequired: false,
        shipTo: null,
      },
      {
        lineId: 'ol_2',
        patientId: 'pt_miso',
        prescriberId: 'u_vet1',
        product: { name: 'Gabapentin', sku: 'GAB-50-30' },
        strength: '50 mg/ml',
        form: 'oral suspension',
        flavor: 'tuna',
        quantity: { value: 1, unit: 'vial' },
        daysSupply: 30,
        refills: 2,
        dateWritten: '2025-02-20',
        sig: { text: 'Give 0.5 ml by mouth q12h as needed for pain', parsed: null },
        deaSchedule: 'IV',
        needByDate: '2025-03-10',
        signatureRequired: true,
        shipTo: null,
      },
    ],
  };
}
