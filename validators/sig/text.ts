/**
 * The normalised SIG as the stages read it. A span read as one part (a duration, a clock time,
 * a "max daily dose" clause) is blanked out, so its numbers cannot be read as another part;
 * blanking keeps every other index where it was.
 */
export class Text {
  value: string;
  constructor(value: string) {
    this.value = value;
  }
  blank(start: number, end: number): void {
    this.value = this.value.slice(0, start) + ' '.repeat(end - start) + this.value.slice(end);
  }
  /** Every match of re (global) in the current text; blanks them when asked. */
  take(re: RegExp, blank = true): RegExpExecArray[] {
    const found = [...this.value.matchAll(re)] as RegExpExecArray[];
    if (blank) for (const m of found) this.blank(m.index, m.index + m[0].length);
    return found;
  }
}
