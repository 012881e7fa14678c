import { describe, expect, it } from 'vitest';
import type { SearchHighlight } from '../../../../common/contract';
import { formatPhoneForDisplay } from '../../../../common/residents/phone';
import { phoneHighlight } from './phoneDisplay';

const marked = (h: SearchHighlight) => h.ranges.map(([start, end]) => h.text.slice(start, end));

describe('phoneHighlight', () => {
  it('marks the same digits in the display form of a stored E.164 mobile', () => {
    // "1390 5272" typed: the host marked those digits in the stored number.
    const text = '+8613813905272';
    const start = text.indexOf('13905272');
    const h = phoneHighlight({ field: 'phone', text, ranges: [[start, start + 8]] }, formatPhoneForDisplay);
    expect(h.text).toBe('138 1390 5272');
    expect(marked(h)).toEqual(['1390 5272']);
  });

  it('leaves the trunk 0 of a landline unmarked (searches drop it)', () => {
    const text = '+862162345678';
    const h = phoneHighlight({ field: 'phone', text, ranges: [[3, 13]] }, formatPhoneForDisplay);
    expect(h.text).toBe('021 6234 5678');
    expect(marked(h)).toEqual(['21 6234 5678']);
  });

  it('maps several ranges and a number stored as typed', () => {
    const text = '138-1390-5272';
    const h = phoneHighlight(
      {
        field: 'phone',
        text,
        ranges: [
          [0, 3],
          [9, 13],
        ],
      },
      formatPhoneForDisplay,
    );
    expect(h.text).toBe('138 1390 5272');
    expect(marked(h)).toEqual(['138', '5272']);
  });

  it('keeps the stored form when it cannot line the digits up', () => {
    const garbage: SearchHighlight = { field: 'phone', text: 'ask 95588', ranges: [[4, 9]] };
    expect(phoneHighlight(garbage, formatPhoneForDisplay)).toBe(garbage);
    const identity: SearchHighlight = { field: 'phone', text: '+8613813905272', ranges: [[3, 14]] };
    expect(phoneHighlight(identity, (raw) => raw)).toBe(identity);
  });
});
