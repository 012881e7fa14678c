/**
 * Phone numbers on screen, in the one display form of common/residents/phone `formatPhoneForDisplay` (issue 9):
 * "138 1390 5272", "010 8888 6666", "+1 415 555 2671".
 *
 * That function needs libphonenumber-js and its metadata, which the first screen does without (see IntakeHost): the
 * module is loaded on first use, in a chunk it shares with the intake screen (so once the intake screen has been
 * preloaded it is already there). Until it has arrived, numbers show as written, and components that asked are
 * drawn again when it has.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { SearchHighlight } from '../../../../common/contract';

export type PhoneFormat = (raw: string) => string;

const asWritten: PhoneFormat = (raw) => raw;
let loaded: PhoneFormat | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

/** Starts loading the formatter (once); resolves when it is in use. A failed load is tried again by the next call. */
export function loadPhoneFormat(): Promise<void> {
  loading ??= import('../../../../common/residents/phone').then(
    (phone) => {
      loaded = phone.formatPhoneForDisplay;
      for (const listener of listeners) listener();
    },
    () => {
      loading = null; // numbers stay as written; the next component that asks tries again
    },
  );
  return loading;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The display formatter; the identity until the module has loaded (the caller is drawn again then). */
export function usePhoneFormat(): PhoneFormat {
  const format = useSyncExternalStore(subscribe, () => loaded);
  useEffect(() => {
    if (!loaded) void loadPhoneFormat();
  }, []);
  return format ?? asWritten;
}

/**
 * A search match in a phone field, shown in the display form: the host marks the digits that matched in the number
 * as stored ("+8613813905272"); the same digits are marked in "138 1390 5272". The two are aligned on their last
 * digits (the display form may add a trunk 0 or drop the country code at the front); a mark runs on across the
 * spaces between marked digits. When the digits do not line up (an extension, text) the stored form is kept.
 */
export function phoneHighlight(highlight: SearchHighlight, format: PhoneFormat): SearchHighlight {
  const { text, ranges } = highlight;
  const shown = format(text);
  if (shown === text) return highlight;
  const rawDigits: number[] = []; // positions of the digits in text
  for (let i = 0; i < text.length; i++) if (/\d/.test(text[i]!)) rawDigits.push(i);
  const shownDigits: number[] = [];
  for (let i = 0; i < shown.length; i++) if (/\d/.test(shown[i]!)) shownDigits.push(i);
  const rawString = rawDigits.map((i) => text[i]).join('');
  const shownString = shownDigits.map((i) => shown[i]).join('');
  // The national significant number ends both: the display form's digits, less a leading trunk 0, end the stored ones.
  const common = shownString.replace(/^0/, '');
  if (!rawString.endsWith(common) || common.length === 0) return highlight;
  const marked = (position: number) => ranges.some(([start, end]) => position >= start && position < end);
  const out: Array<[number, number]> = [];
  const skip = shownDigits.length - common.length; // the trunk 0, which the stored form does not have
  for (let k = skip; k < shownDigits.length; k++) {
    const rawPosition = rawDigits[rawDigits.length - (shownDigits.length - k)]!;
    if (!marked(rawPosition)) continue;
    const at = shownDigits[k]!;
    const last = out.at(-1);
    // Joined to the previous mark when only spaces lie between.
    if (last && /^\s*$/.test(shown.slice(last[1], at))) last[1] = at + 1;
    else out.push([at, at + 1]);
  }
  return { ...highlight, text: shown, ranges: out };
}
