import { useId } from 'react';

/** Props of {@link ProgressBar}. */
export interface ProgressBarProps {
  /** Visible label naming what progresses: "Importing catalog feed". */
  label: string;
  /** Progress so far, 0…max; leave out while the total is unknown (indeterminate). */
  value?: number;
  /** Default 100. */
  max?: number;
  /** The value in words, shown and announced: "1,240 of 20,000 rows". Default: a percentage. */
  valueText?: string;
}

/** A determinate (or, without `value`, indeterminate) progress bar with role="progressbar". */
export function ProgressBar({ label, value, max = 100, valueText }: ProgressBarProps) {
  const labelId = useId();
  const determinate = value != null && Number.isFinite(value) && max > 0;
  const clamped = determinate ? Math.min(Math.max(value, 0), max) : 0;
  const percent = determinate ? Math.round((clamped / max) * 100) : 0;
  const text = determinate ? (valueText ?? `${percent}%`) : valueText;
  return (
    <div className={`progress${determinate ? '' : ' progress--indeterminate'}`}>
      <div className="progress__label">
        <span id={labelId}>{label}</span>
        {text ? (
          <span className="progress__value" aria-hidden="true">
            {text}
          </span>
        ) : null}
      </div>
      <div
        className="progress__track"
        role="progressbar"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={determinate ? clamped : undefined}
        aria-valuetext={text}
      >
        <div className="progress__bar" style={determinate ? { width: `${percent}%` } : undefined} />
      </div>
    </div>
  );
}
