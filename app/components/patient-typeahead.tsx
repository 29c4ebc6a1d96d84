import { useFetcher } from '@remix-run/react';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { formatSpecies } from '~/lib/format';
import type { FieldControlProps } from './form-field';

/** A patient the typeahead offers, with the prescription it may start the line from. */
export interface PatientOption {
  id: string;
  name: string;
  species: string;
  clientName: string;
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
 * A combobox (ARIA 1.2 pattern) that searches the clinic's patients as staff type: arrow keys
 * move through the list, Enter picks, Escape closes; the list is announced by its count.
 */
export function PatientTypeahead({ control, source, params, onPick }: PatientTypeaheadProps) {
  const fetcher = useFetcher<{ patients: PatientOption[] }>();
  const listId = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [picked, setPicked] = useState<PatientOption | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  // A blur closes the list a moment later (so a click on an option lands first); typing or
  // focusing again must cancel that, or a stale blur hides the answers to what was just typed.
  const blurTimer = useRef<ReturnType<typeof setTimeout>>();
  const options = fetcher.data?.patients ?? [];
  const paramsKey = JSON.stringify(params ?? {});

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      clearTimeout(blurTimer.current);
    },
    [],
  );

  function search(value: string) {
    clearTimeout(timer.current);
    if (value.trim().length < 1) return;
    // A short pause so typing "Luna" asks once, not four times.
    timer.current = setTimeout(() => {
      const query = new URLSearchParams({ ...(JSON.parse(paramsKey) as Record<string, string>), q: value.trim() });
      fetcher.load(`${source}?${query.toString()}`);
    }, 150);
  }

  function pick(option: PatientOption) {
    setPicked(option);
    setText(`${option.name} (${option.clientName})`);
    setOpen(false);
    setActive(-1);
    onPick(option);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, options.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === 'Enter' && open && options[active]) {
      event.preventDefault();
      pick(options[active]!);
    } else if (event.key === 'Escape' && open) {
      // Close the list, not the dialog around it.
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  }

  const expanded = open && text.trim() !== '' && fetcher.state === 'idle' && fetcher.data !== undefined;
  return (
    <div className="typeahead">
      <input
        {...control}
        type="text"
        className="input"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 && options[active] ? `${listId}-${active}` : undefined}
        placeholder="Pet, owner or phone"
        value={text}
        onChange={(event) => {
          clearTimeout(blurTimer.current);
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
          if (picked) {
            setPicked(null);
            onPick(null);
          }
          search(event.target.value);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => clearTimeout(blurTimer.current)}
        onBlur={() => {
          blurTimer.current = setTimeout(() => setOpen(false), 150);
        }}
      />
      <ul id={listId} role="listbox" className="typeahead__list" hidden={!expanded} aria-label="Matching patients">
        {options.map((option, i) => (
          <li
            key={option.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className="typeahead__option"
            // mousedown, not click: it fires before the input's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              pick(option);
            }}
          >
            <span>
              {option.name} · {formatSpecies(option.species)}
            </span>
            <span className="muted text-sm">
              {option.clientName}
              {option.prescription ? ' · has a prescription' : ''}
            </span>
          </li>
        ))}
        {expanded && options.length === 0 ? (
          <li role="option" aria-selected={false} aria-disabled="true" className="typeahead__option muted">
            No active patient matches.
          </li>
        ) : null}
      </ul>
      <p className="visually-hidden" aria-live="polite">
        {expanded ? `${options.length} patients found` : ''}
      </p>
    </div>
  );
}
