import { describe, expect, it } from 'vitest';
import { formatClock, formatFullTime, formatShortTime } from './formatTime';

// The formatters are cached per language and format: the output must stay what a fresh Intl.DateTimeFormat gives,
// whichever language asked first.
describe('formatTime', () => {
  const now = new Date(2026, 10, 26, 15, 0);
  const today = new Date(2026, 10, 26, 14, 2).toISOString();
  const thisYear = new Date(2026, 10, 24, 9, 30).toISOString();
  const before = new Date(2024, 10, 24, 9, 30).toISOString();
  const fresh = (language: string, options: Intl.DateTimeFormatOptions, iso: string) =>
    new Intl.DateTimeFormat(language, options).format(new Date(iso));

  it('formats like a fresh formatter, per language, across repeated calls', () => {
    for (let round = 0; round < 2; round++) {
      for (const language of ['zh-CN', 'en']) {
        expect(formatShortTime(today, language, now)).toBe(
          fresh(language, { hour: '2-digit', minute: '2-digit', hour12: false }, today),
        );
        expect(formatShortTime(thisYear, language, now)).toBe(
          fresh(
            language,
            { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false },
            thisYear,
          ),
        );
        expect(formatShortTime(before, language, now)).toBe(
          fresh(language, { year: 'numeric', month: '2-digit', day: '2-digit' }, before),
        );
        expect(formatFullTime(before, language)).toBe(
          fresh(language, { dateStyle: 'medium', timeStyle: 'short', hour12: false }, before),
        );
        expect(formatClock(today, language)).toBe(
          fresh(language, { hour: '2-digit', minute: '2-digit', hour12: false }, today),
        );
      }
    }
    expect(formatShortTime(today, 'zh-CN', now)).not.toBe(formatFullTime(today, 'zh-CN'));
  });

  it('keeps its answers for bad input', () => {
    expect(formatShortTime('not a date', 'en', now)).toBe('');
    expect(formatFullTime('not a date', 'en')).toBe('not a date');
    expect(formatClock('', 'zh-CN')).toBe('');
  });
});
