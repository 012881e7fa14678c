/**
 * The console's two languages must say the same things: identical key trees, and a label for every domain
 * value the host can send. The resource files are loaded by path because they belong to the web TypeScript
 * project, not this (node) one.
 */
import { describe, expect, it } from 'vitest';
import { HistoryRefusal, VIEW_IDS } from '../../common/contract';
import { CATEGORIES, CHANNELS, RESIDENT_TAGS, ROLES, TICKET_TYPES } from '../../common/domain';
import { AUDIT_SUBJECT_TYPES } from '../../common/privacy';

type Tree = { [key: string]: string | Tree };

async function loadResources(): Promise<{ zhCN: Tree; en: Tree }> {
  const zhPath = '../../renderer/src/i18n/zh-CN.ts';
  const enPath = '../../renderer/src/i18n/en.ts';
  const [zh, en] = await Promise.all([import(/* @vite-ignore */ zhPath), import(/* @vite-ignore */ enPath)]);
  return { zhCN: zh.zhCN as Tree, en: en.en as Tree };
}

/** Each leaf's path as its keys (a key may itself hold a dot: the audit log names actions like `resident.read`). */
function keySegments(tree: Tree, prefix: string[] = []): string[][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[...prefix, key]] : keySegments(value, [...prefix, key]),
  );
}

const keyPaths = (tree: Tree): string[] => keySegments(tree).map((segments) => segments.join('.'));

/** The value at a dotted path, or at the given keys. */
function leaf(tree: Tree, path: string | readonly string[]): unknown {
  const keys = typeof path === 'string' ? path.split('.') : path;
  return keys.reduce<unknown>((node, key) => (node as Tree | undefined)?.[key], tree);
}

describe('renderer i18n resources', () => {
  it('zh-CN and en have exactly the same keys', async () => {
    const { zhCN, en } = await loadResources();
    expect(keyPaths(en).sort()).toEqual(keyPaths(zhCN).sort());
    expect(keyPaths(zhCN).length).toBeGreaterThan(50);
  });

  it('every value is a non-empty string with the same {{placeholders}} in both languages', async () => {
    const { zhCN, en } = await loadResources();
    const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();
    for (const keys of keySegments(zhCN)) {
      const path = keys.join('.');
      const zh = leaf(zhCN, keys);
      const english = leaf(en, keys);
      expect(typeof zh === 'string' && zh.trim().length > 0, `zh-CN ${path}`).toBe(true);
      expect(typeof english === 'string' && english.trim().length > 0, `en ${path}`).toBe(true);
      expect(placeholders(english as string), path).toEqual(placeholders(zh as string));
    }
  });

  // Statuses are named by the workflow steps (common/workflows), not here: renderer/src/i18n/labels.test.ts.
  const domainLabels: [group: string, values: readonly string[]][] = [
    ['type', TICKET_TYPES],
    ['category', CATEGORIES],
    ['channel', CHANNELS],
    ['tag', RESIDENT_TAGS],
    ['role', ROLES],
    ['views', VIEW_IDS],
    ['priority', ['0', '1', '2', '3', '4']],
    ['privacy.subjects', AUDIT_SUBJECT_TYPES],
    ['detail.historyRefused', HistoryRefusal.options],
  ];

  it.each(domainLabels)('labels every %s value in both languages', async (group, values) => {
    const { zhCN, en } = await loadResources();
    for (const resources of [zhCN, en]) {
      for (const value of values) {
        const label = leaf(resources, `${group}.${value}`);
        expect(typeof label === 'string' && label.trim().length > 0, `${group}.${value}`).toBe(true);
      }
    }
  });

  // Issue 9: raw keys ("elderly", "walk_in") showed in the Chinese console. A zh-CN label is Chinese (VIP aside), and
  // neither language shows the wire value itself (an English label may be the same word, written as a label).
  it.each(domainLabels.filter(([group]) => group !== 'priority' && group !== 'views'))(
    'no %s label is its raw key',
    async (group, values) => {
      const { zhCN, en } = await loadResources();
      for (const value of values) {
        const zh = leaf(zhCN, `${group}.${value}`) as string;
        const english = leaf(en, `${group}.${value}`) as string;
        expect(zh, `zh-CN ${group}.${value}`).not.toBe(value);
        if (!(group === 'tag' && value === 'vip')) expect(zh, `zh-CN ${group}.${value}`).toMatch(/[\u4e00-\u9fff]/);
        expect(english, `en ${group}.${value}`).not.toBe(value);
        expect(english, `en ${group}.${value}`).not.toMatch(/_/);
      }
    },
  );

  it('labels differ between the languages (en is not a copy of zh-CN)', async () => {
    const { zhCN, en } = await loadResources();
    for (const [group, values] of domainLabels) {
      if (group === 'priority') continue; // "P1 紧急" / "P1 Emergency" share the class
      for (const value of values) {
        if (group === 'tag' && value === 'vip') continue; // "VIP" in both
        expect(leaf(en, `${group}.${value}`), `${group}.${value}`).not.toEqual(leaf(zhCN, `${group}.${value}`));
      }
    }
  });

  it('keeps the labels the end-to-end tests rely on', async () => {
    const { zhCN, en } = await loadResources();
    const expected: [path: string, zh: string, en: string][] = [
      ['list.label', '工单', 'Tickets'],
      ['detail.label', '工单详情', 'Ticket detail'],
      ['login.username', '用户名', 'Username'],
      ['login.password', '密码', 'Password'],
      ['login.submit', '登录', 'Sign in'],
      ['header.signOut', '退出', 'Sign out'],
      ['nav.label', '视图', 'Views'],
      ['actions.nextStatus', '下一步状态', 'Next status'],
      ['actions.updateStatus', '更新状态', 'Update status'],
      ['actions.assignToMe', '指派给我', 'Assign to me'],
      ['actions.note', '备注', 'Note'],
      ['actions.addNote', '添加备注', 'Add note'],
      ['sync.online', '在线', 'Online'],
    ];
    for (const [path, zh, english] of expected) {
      expect(leaf(zhCN, path), path).toBe(zh);
      expect(leaf(en, path), path).toBe(english);
    }
  });
});
