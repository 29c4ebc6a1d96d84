import type { PatientOption as PatientFacts } from '~/lib/patient-option';
import { ComboboxControl } from './combobox';
import type { FieldControlProps } from './form-field';
import { PatientOptionText } from './patient-search';

/** A patient the typeahead offers, with the prescription it may start the line from. */
export interface PatientOption extends PatientFacts {
  prescription: { id: string; sig: string; prescriberId: string; quantity: number } | null;
}

/** Props of {@link PatientTypeahead}. */
export interface PatientTypeaheadProps {
  /** The id, ARIA and `required` a FormField hands its custom control. */
  control: FieldControlProps;
  /** Resource route answering `?q=` with `{ patients: PatientOption[] }`. */
  source: string;
  /** Extra query parameters for the source (e.g. the medication, for its prescription). */
  params?: Record<string, string>;
  /** Called with the picked patient, or null when the text no longer names one. */
  onPick: (patient: PatientOption | null) => void;
}

/**
 * The clinic's patients as a {@link ComboboxControl}: searched by pet, owner or phone, each
 * with its prescription. Nothing is highlighted until an arrow key moves.
 */
export function PatientTypeahead({ control, source, params, onPick }: PatientTypeaheadProps) {
  return (
    <ComboboxControl<PatientOption>
      control={control}
      source={(q) => `${source}?${new URLSearchParams({ ...params, q: q.trim() }).toString()}`}
      optionsOf={(body) => (body as { patients?: PatientOption[] }).patients ?? []}
      getKey={(p) => p.id}
      getText={(p) => `${p.name} (${p.clientName})`}
      renderOption={(p) => <PatientOptionText patient={p} extra={p.prescription ? 'has a prescription' : undefined} />}
      onSelect={onPick}
      onClear={() => onPick(null)}
      listLabel="Matching patients"
      placeholder="Pet, owner or phone"
      emptyText="No active patient matches."
      countText={(count) => `${count} patients found`}
    />
  );
}
