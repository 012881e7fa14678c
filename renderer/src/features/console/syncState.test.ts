/** The status bar never says "offline" while the server answers (issue 11 §1): a 5xx has its own words. */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../common/sync';
import { en } from '../../i18n/en';
import { zhCN } from '../../i18n/zh-CN';
import { initialText, stateText } from './syncState';

const base: SyncStatus = {
  state: 'online',
  pending: 2,
  offlineSince: null,
  lastSyncAt: null,
  progress: null,
  rejected: [],
};
const format = { language: 'en', timeZone: 'Asia/Shanghai' };

async function translator(lng: 'en' | 'zh-CN') {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } } });
  return i18n.t;
}

describe('sync state text', () => {
  it('a failing server is named as such, with its status, in both languages; never as offline', async () => {
    const failing: SyncStatus = {
      ...base,
      state: 'server_error',
      serverError: { status: 500, code: 'internal', since: '2026-05-01T00:00:00Z' },
    };
    const english = stateText(failing, await translator('en'), format);
    const chinese = stateText(failing, await translator('zh-CN'), format);
    expect(english).toBe('Server error (HTTP 500): retrying, your changes are kept');
    expect(chinese).toBe('服务器出错（HTTP 500），正在重试；更改已保存在本机');
    const offline = stateText({ ...base, state: 'offline' }, await translator('en'), format);
    expect(english).not.toBe(offline);
    expect(chinese).not.toMatch(/离线/);
  });

  it('an initial sync says once the tickets in progress are ready, in both languages', async () => {
    const progress = { rows: 72_000, total: 180_000, workingSet: true };
    const zh = await translator('zh-CN');
    expect(initialText(progress, zh, 'zh-CN')).toBe('处理中的工单已就绪 · 正在下载较早的工单 40%');
    expect(initialText({ ...progress, total: null }, zh, 'zh-CN')).toContain('已下载 72,000 条');
    const en = await translator('en');
    expect(initialText(progress, en, 'en')).toBe('Tickets in progress ready · downloading older tickets 40%');
    expect(initialText({ ...progress, workingSet: false }, en, 'en')).toBe('Initial sync 40% (72,000/180,000)');
  });
});
