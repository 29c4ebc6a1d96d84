import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

/** Props of {@link Combobox}. */
export interface ComboboxProps<Option> {
  /** Visible label. */
  label: ReactNode;
  /** URL returning JSON `{ options: Option[] }` for the typed text. */
  source: (query: string) => string;
  /** Stable id of an option. */
  getKey: (option: Option) => string;
  /** Text put in the input once the option is chosen. */
  getText: (option: Option) => string;
  /** How an option shows in the list. */
  renderOption: (option: Option) => ReactNode;
  /** Called when an option is chosen (Enter, or a click). */
  onSelect: (option: Option) => void;
  /** Called when the text changes after a choice (the choice no longer holds). */
  onClear?: () => void;
  /** Fetch options as soon as the field is focused, before anything is typed. */
  openOnFocus?: boolean;
  hint?: ReactNode;
  error?: string | undefined;
  placeholder?: string;
  /** Shortest text that triggers a search. Default 1. */
  minLength?: number;
}

/** What a parent can do with a combobox: focus it, or clear it after a submit. */
export interface ComboboxHandle {
  focus(): void;
  reset(): void;
}

/**
 * A typeahead following the ARIA 1.2 combobox pattern: the input keeps focus, the list is
 * announced through aria-expanded / aria-activedescendant, arrows move, Enter picks, Escape
 * closes. Options come from a JSON resource route, fetched as the user types (latest wins).
 */
function ComboboxInner<Option>(
  { label, source, getKey, getText, renderOption, onSelect, onClear, openOnFocus = false, hint, error, placeholder, minLength = 1 }: ComboboxProps<Option>,
  ref: React.ForwardedRef<ComboboxHandle>,
) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [options, setOptions] = useState<Option[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [loading, setLoading] = useState(false);
  const [chosen, setChosen] = useState(false);
  const request = useRef(0);

  useImperativeHandle(ref, () => ({
    focus: () => inputRef.current?.focus(),
    reset: () => {
      setText('');
      setOptions([]);
      setOpen(false);
      setActive(-1);
      setChosen(false);
    },
  }));

  async function search(query: string) {
    const mine = ++request.current;
    if (query.trim().length < minLength && !openOnFocus) {
      setOptions([]);
      setOpen(false);
      return;
    }
    setLoading(true);
    try {
      const res = await fetch(source(query), { headers: { Accept: 'application/json' } });
      const data = (await res.json()) as { options?: Option[] };
      if (mine !== request.current) return; // a later keystroke's answer is the one to show
      const list = data.options ?? [];
      setOptions(list);
      setOpen(true);
      setActive(list.length ? 0 : -1);
    } catch {
      if (mine === request.current) setOptions([]);
    } finally {
      if (mine === request.current) setLoading(false);
    }
  }

  useEffect(() => () => void (request.current += 1), []);

  function choose(option: Option) {
    setText(getText(option));
    setChosen(true);
    setOpen(false);
    setActive(-1);
    onSelect(option);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open) void search(text);
      else setActive((a) => Math.min(options.length - 1, a + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (event.key === 'Enter') {
      if (open && active >= 0 && options[active]) {
        event.preventDefault(); // pick, do not submit the form
        choose(options[active]!);
      }
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        setOpen(false);
      }
    } else if (event.key === 'Tab' && open && active >= 0 && options[active] && !chosen) {
      // Tabbing out of an open list takes the highlighted option, as a native select would.
      choose(options[active]!);
    }
  }

  const listId = `${id}-list`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const activeId = open && active >= 0 ? `${id}-opt-${active}` : undefined;
  return (
    <div className="field combobox">
      <label className="field__label" htmlFor={`${id}-input`}>
        {label}
      </label>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <input
        ref={inputRef}
        id={`${id}-input`}
        className="input"
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        aria-invalid={error ? true : undefined}
        aria-busy={loading || undefined}
        placeholder={placeholder}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (chosen) {
            setChosen(false);
            onClear?.();
          }
          void search(e.target.value);
        }}
        onFocus={() => {
          if (openOnFocus && !chosen && !open) void search(text);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" className="combobox__list" hidden={!open || options.length === 0} aria-label={typeof label === 'string' ? label : undefined}>
        {options.map((option, i) => (
          <li
            key={getKey(option)}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'combobox__option is-active' : 'combobox__option'}
            onMouseDown={(e) => {
              e.preventDefault(); // keep focus in the input
              choose(option);
            }}
            onMouseEnter={() => setActive(i)}
          >
            {renderOption(option)}
          </li>
        ))}
      </ul>
      {open && options.length === 0 ? (
        <p className="combobox__list combobox__empty" role="status">
          {loading ? 'Searching…' : 'No matches'}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A typeahead field; see {@link ComboboxInner}. */
export const Combobox = forwardRef(ComboboxInner) as <Option>(
  props: ComboboxProps<Option> & { ref?: React.Ref<ComboboxHandle> },
) => ReturnType<typeof ComboboxInner>;
