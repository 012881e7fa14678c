/**
 * Caller-ID for the call center from the local residents directory: residents whose phone is the caller's
 * number (`known`). Used until the full lookup (main/cti/caller-id.ts: `maybe` candidates from past tickets and
 * calls, withheld numbers) is wired in.
 */
import { formatPhoneForDisplay, toE164 } from '../../common/residents/phone';
import type { ResidentRepo } from '../cache/residents';
import type { CallerIdLookup } from './call-center';

const WITHHELD = /^(anonymous|private|unknown|restricted|withheld|未知|隐藏)?$/i;

export function callerIdFromDirectory(residents: ResidentRepo): CallerIdLookup {
  return {
    lookup(raw) {
      const text = raw
        .replace(/^sips?:/i, '')
        .replace(/@.*$/, '')
        .trim();
      if (WITHHELD.test(text)) return { withheld: true, display: null, candidates: [] };
      const e164 = toE164(text);
      const matches = e164
        ? residents
            .lookup(text, 20)
            .filter((m) => m.matchedBy === 'phone' && m.resident.phones.some((p) => p.e164 === e164))
        : [];
      return {
        withheld: false,
        display: formatPhoneForDisplay(text),
        candidates: matches.map(({ resident }) => ({
          residentId: resident.id,
          name: resident.name,
          confidence: 'known' as const,
          units: resident.units.map((u) => ({ id: u.id, code: u.code })),
          tags: resident.tags,
        })),
      };
    },
  };
}
