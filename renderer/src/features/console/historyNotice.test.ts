/**
 * The "history not downloaded" line (TicketDetail's HistoryMissing): it has the detail read again only when the
 * console comes back online while it is shown, or once when drawn over a detail read before the console came back
 * online (before, every draw while online read the detail again); and a history the server refused reads as such
 * in both languages, never as loading.
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { HistoryRefusal } from '../../../../common/contract';
import { en } from '../../i18n/en';
import { zhCN } from '../../i18n/zh-CN';
import { JUST_SHOWN, historyAskAgain, historyNoticeText, type SyncState } from './historyNotice';

async function translator(lng: 'en' | 'zh-CN') {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } } });
  return i18n.t;
}

/** The line's checks as the sync state moves: whether each asked. */
function run(states: (SyncState | undefined)[], { readAt = 1_000, backOnlineAt = 0, refused = false } = {}): boolean[] {
  let previous: SyncState | undefined | typeof JUST_SHOWN = JUST_SHOWN;
  return states.map((current) => {
    const ask = historyAskAgain({ previous, current, refused, readAt, backOnlineAt });
    previous = current;
    return ask;
  });
}

describe('history line: when it asks again', () => {
  it('does not ask when drawn over a detail read online (that read started the fetch), nor while online', () => {
    expect(run(['online'])).toEqual([false]);
    expect(run(['online', 'syncing', 'online', 'server_error', 'online'])).toEqual([false, false, false, false, false]);
    // Drawn again (another ticket and back, a remount): still no read.
    expect(run(['online'], { readAt: 5_000, backOnlineAt: 2_000 })).toEqual([false]);
  });

  it('asks when the console goes from offline to online while it is shown, once per return', () => {
    expect(run(['offline', 'offline', 'syncing', 'online'])).toEqual([false, false, true, false]);
    expect(run(['connecting', 'online', 'syncing'])).toEqual([false, true, false]); // started offline
    expect(run(['offline', 'connecting', 'server_error'])).toEqual([false, false, true]);
    expect(run(['offline', 'online', 'offline', 'online'])).toEqual([false, true, false, true]);
    expect(run([undefined, 'online'])).toEqual([false, false]); // sync status not known yet, then online
  });

  it('asks once when drawn over a detail read before the console came back online', () => {
    expect(run(['online', 'online'], { readAt: 1_000, backOnlineAt: 2_000 })).toEqual([true, false]);
    expect(run(['offline'], { readAt: 1_000, backOnlineAt: 2_000 })).toEqual([false]);
  });

  it('does not ask when drawn over a refusal (the desk would not ask the server for five minutes)', () => {
    expect(run(['online'], { readAt: 1_000, backOnlineAt: 2_000, refused: true })).toEqual([false]);
  });
});

describe('history line: what it says', () => {
  it.each(['en', 'zh-CN'] as const)(
    'a refused history says it cannot be fetched and why, not loading (%s)',
    async (lng) => {
      const t = await translator(lng);
      const loading = t('detail.historyLoading');
      const texts = HistoryRefusal.options.map((refused) => historyNoticeText({ offline: false, refused }, t));
      for (const [i, text] of texts.entries()) {
        expect(text, HistoryRefusal.options[i]).not.toBe(loading);
        expect(text).not.toMatch(/detail\.|…|loading|加载/i);
        expect(text).toMatch(lng === 'en' ? /cannot be fetched/ : /无法获取/);
      }
      expect(new Set(texts).size).toBe(texts.length); // each reason its own words
      expect(historyNoticeText({ offline: true, refused: 'forbidden' }, t)).toBe(texts[0]);
      expect(historyNoticeText({ offline: false, refused: undefined }, t)).toBe(loading);
      expect(historyNoticeText({ offline: true, refused: undefined }, t)).toBe(t('detail.historyOffline'));
    },
  );
});
