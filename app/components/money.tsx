import { formatMoney } from '~/lib/format';

/** Props of {@link Money}. */
export interface MoneyProps {
  /** Amount in integer cents; null shows a dash. */
  cents: number | null | undefined;
  /** Show "+" on positive amounts and colour negative ones: for differences and refunds. */
  signed?: boolean;
  className?: string;
}

/** An amount of money in tabular figures: `<Money cents={123456} />` → "$1,234.56". */
export function Money({ cents, signed = false, className }: MoneyProps) {
  const classes = ['money', signed && cents != null && cents < 0 ? 'money--negative' : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return <span className={classes}>{formatMoney(cents, { signed })}</span>;
}
