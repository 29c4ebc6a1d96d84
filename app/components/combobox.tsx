import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState, type ForwardedRef, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { FormField, type FieldControlProps } from './form-field';

/** Props of {@link ComboboxControl}: the input and its list, without label, hint or error. */
export interface ComboboxControlProps<Option> {
  /** The id, ARIA and `required` a FormField hands its custom control. */
  control: FieldControlProps;
  /** URL answering the typed text with JSON (by default `{ options: Option[] }`). */
  source: (query: string) => string;
  /** The options in the source's JSON answer. Default: its `options`. */
  optionsOf?: (body: unknown) => Option[];
  /** Stable id of an option. */
  getKey: (option: Option) => string;
  /** Text put in the input once the option is chosen. */
  getText: (option: Option) => string;
  /** How an option shows in the list. */
  renderOption: (option: Option) => ReactNode;
  /** Called when an option is chosen (Enter, Tab on a highlighted option, or a click). */
  onSelect: (option: Option) => void;
  /** Called when the text changes after a choice (the choice no longer holds). */
  onClear?: () => void;
  /** Fetch options as soon as the field is focused, before anything is typed. */
  openOnFocus?: boolean;
  /**
   * Highlight the first match as the answers arrive, so Enter takes it (APG "automatic
   * selection"). Off (the default), nothing is highlighted until an arrow key moves or the
   * pointer rests on an option, and Enter with nothing highlighted picks nothing: a picker must
   * never choose a record the person did not point at (a pet called like another pet's owner).
   */
  autoHighlight?: boolean;
  /** The list's accessible name. */
  listLabel?: string;
  /** The disabled option shown when nothing matches. Default "No matches". */
  emptyText?: string;
  /** What the live region announces when the answers arrive. Default "3 matches". */
  countText?: (count: number) => string;
  placeholder?: string;
  /** Shortest text that triggers a search. Default 1. */
  minLength?: number;
}

/** What a parent can do with a combobox: focus it, or clear it after a submit. */
export interface ComboboxHandle {
  focus(): void;
  reset(): void;
}

/** A short pause so typing "Luna" asks once, not four times. */
const DEBOUNCE_MS = 150;
/** A blur closes the list this much later, so a click on an option lands first. */
const BLUR_CLOSE_MS = 150;

function defaultOptionsOf<Option>(body: unknown): Option[] {
  return (body as { options?: Option[] } | null)?.options ?? [];
}

function defaultCountText(count: number): string {
  return count === 1 ? '1 match' : `${count} matches`;
}

/**
 * A typeahead following the ARIA 1.2 combobox pattern: the input keeps focus, the list is
 * announced through aria-expanded / aria-activedescendant and a live region with its count,
 * arrows move, Enter picks, Escape closes the list (not a dialog around it). Options come from
 * a JSON resource route, fetched after a short pause in typing (latest answer wins).
 */
function ComboboxControlInner<Option>(
  {
    control,
    source,
    optionsOf = defaultOptionsOf,
    getKey,
    getText,
    renderOption,
    onSelect,
    onClear,
    openOnFocus = false,
    autoHighlight = false,
    listLabel,
    emptyText = 'No matches',
    countText = defaultCountText,
    placeholder,
    minLength = 1,
  }: ComboboxControlProps<Option>,
  ref: ForwardedRef<ComboboxHandle>,
) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [options, setOptions] = useState<Option[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  // A search is waiting for its pause or its answer: the list shown is for older text.
  const [pending, setPending] = useState(false);
  const [chosen, setChosen] = useState(false);
  const request = useRef(0);
  const debounceTimer = useRef<ReturnType<typeof setTimeout>>();
  // Typing or focusing again must cancel a pending blur-close, or a stale blur hides the
  // answers to what was just typed.
  const blurTimer = useRef<ReturnType<typeof setTimeout>>();

  /** Forget any search under way, so its answer is never shown. */
  function cancelSearch() {
    clearTimeout(debounceTimer.current);
    request.current += 1;
    setPending(false);
  }

  useImperativeHandle(ref, () => ({
    focus: () => inputRef.current?.focus(),
    reset: () => {
      cancelSearch();
      clearTimeout(blurTimer.current);
      setText('');
      setOptions([]);
      setOpen(false);
      setActive(-1);
      setChosen(false);
    },
  }));

  useEffect(
    () => () => {
      clearTimeout(debounceTimer.current);
      clearTimeout(blurTimer.current);
      request.current += 1;
    },
    [],
  );

  async function load(query: string, mine: number) {
    try {
      const res = await fetch(source(query), { headers: { Accept: 'application/json' } });
      const body: unknown = await res.json();
      if (mine !== request.current) return; // a later keystroke's answer is the one to show
      const list = optionsOf(body);
      setOptions(list);
      setActive(autoHighlight && list.length ? 0 : -1);
      // An answer arriving after the field was left does not reopen the list.
      if (document.activeElement === inputRef.current) setOpen(true);
    } catch {
      if (mine === request.current) setOptions([]);
    } finally {
      if (mine === request.current) setPending(false);
    }
  }

  function search(query: string, delay: number) {
    clearTimeout(debounceTimer.current);
    const mine = ++request.current;
    if (query.trim().length < minLength && !openOnFocus) {
      setPending(false);
      setOptions([]);
      setOpen(false);
      return;
    }
    setPending(true);
    if (delay > 0) debounceTimer.current = setTimeout(() => void load(query, mine), delay);
    else void load(query, mine);
  }

  function choose(option: Option) {
    cancelSearch();
    setText(getText(option));
    setChosen(true);
    setOpen(false);
    setActive(-1);
    onSelect(option);
  }

  const expanded = open && !pending;
  const highlighted = expanded && active >= 0 ? options[active] : undefined;

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open) search(text, 0);
      else if (expanded) setActive((a) => Math.min(options.length - 1, a + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (expanded) setActive((a) => Math.max(0, a - 1));
    } else if (event.key === 'Enter') {
      if (highlighted !== undefined) {
        event.preventDefault(); // pick, do not submit the form
        choose(highlighted);
      }
    } else if (event.key === 'Escape') {
      if (open) {
        // Close the list, not the dialog around it.
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
      }
    } else if (event.key === 'Tab' && highlighted !== undefined && !chosen) {
      // Tabbing out of an open list takes the highlighted option, as a native select would.
      choose(highlighted);
    }
  }

  const listId = `${id}-list`;
  return (
    <div className="combobox">
      <input
        {...control}
        ref={inputRef}
        className="input"
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={highlighted !== undefined ? `${id}-opt-${active}` : undefined}
        aria-busy={pending || undefined}
        placeholder={placeholder}
        value={text}
        onChange={(e) => {
          clearTimeout(blurTimer.current);
          setText(e.target.value);
          setActive(-1);
          if (chosen) {
            setChosen(false);
            onClear?.();
          }
          search(e.target.value, DEBOUNCE_MS);
        }}
        onFocus={() => {
          clearTimeout(blurTimer.current);
          if (openOnFocus && !chosen && !open) search(text, 0);
        }}
        onBlur={() => {
          blurTimer.current = setTimeout(() => setOpen(false), BLUR_CLOSE_MS);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" className="combobox__list" hidden={!expanded} aria-label={listLabel}>
        {options.map((option, i) => (
          <li
            key={getKey(option)}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'combobox__option is-active' : 'combobox__option'}
            // mousedown, not click: it fires before the input's blur closes the list.
            onMouseDown={(e) => {
              e.preventDefault(); // keep focus in the input
              choose(option);
            }}
            onMouseEnter={() => setActive(i)}
          >
            {renderOption(option)}
          </li>
        ))}
        {expanded && options.length === 0 ? (
          <li role="option" aria-selected={false} aria-disabled="true" className="combobox__empty muted" onMouseDown={(e) => e.preventDefault()}>
            {emptyText}
          </li>
        ) : null}
      </ul>
      <p className="visually-hidden" aria-live="polite">
        {expanded ? countText(options.length) : ''}
      </p>
    </div>
  );
}

/**
 * The combobox's input and list alone, for a {@link FormField}'s `renderControl` (which gives
 * it its id, aria-describedby, aria-invalid and required); see {@link ComboboxControlInner}.
 */
export const ComboboxControl = forwardRef(ComboboxControlInner) as <Option>(
  props: ComboboxControlProps<Option> & { ref?: Ref<ComboboxHandle> },
) => ReturnType<typeof ComboboxControlInner>;

/** Props of {@link Combobox}. */
export interface ComboboxProps<Option> extends Omit<ComboboxControlProps<Option>, 'control' | 'listLabel'> {
  /** Visible label; a string one also names the list. */
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
}

function ComboboxInner<Option>({ label, hint, error, ...rest }: ComboboxProps<Option>, ref: ForwardedRef<ComboboxHandle>) {
  return (
    <FormField
      label={label}
      name="combobox" // only names the generated id: the field's value lives in the caller's state
      hint={hint}
      error={error}
      renderControl={(control) => (
        <ComboboxControl<Option> {...rest} ref={ref} control={control} listLabel={typeof label === 'string' ? label : undefined} />
      )}
    />
  );
}

/** A labelled typeahead field: a {@link FormField} around a {@link ComboboxControl}. */
export const Combobox = forwardRef(ComboboxInner) as <Option>(
  props: ComboboxProps<Option> & { ref?: Ref<ComboboxHandle> },
) => ReturnType<typeof ComboboxInner>;
