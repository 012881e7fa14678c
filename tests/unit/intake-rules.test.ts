import { describe, expect, it } from 'vitest';
import { CATEGORIES, TEAM_IDS, type Ticket } from '../../common/domain';
import { CATEGORY_RULES, suggestIntake } from '../../common/intake/categories';
import { DUPLICATE_WINDOW_MS, findDuplicates, isDuplicate } from '../../common/intake/duplicates';

describe('category rules', () => {
  it('cover every category with a known team', () => {
    for (const category of CATEGORIES) {
      const rule = CATEGORY_RULES[category];
      expect(TEAM_IDS).toContain(rule.teamId);
      for (const hint of rule.hints) expect(hint.priority).toBeLessThan(rule.priority);
    }
  });

  it('suggest type, priority and team per category', () => {
    expect(suggestIntake('lift')).toEqual({ type: 'repair', priority: 1, teamId: 'lift', keyword: null });
    expect(suggestIntake('plumbing')).toMatchObject({ type: 'repair', priority: 2, teamId: 'plumbing' });
    expect(suggestIntake('noise')).toMatchObject({ type: 'complaint', priority: 3, teamId: 'cs' });
    expect(suggestIntake('fees')).toMatchObject({ type: 'fee', priority: 3, teamId: 'finance' });
  });

  it('raise the priority on keyword hints, never lower it', () => {
    expect(suggestIntake('lift', '3号梯有人被困')).toMatchObject({ priority: 0, keyword: '困' });
    expect(suggestIntake('plumbing', '厨房水管爆裂')).toMatchObject({ priority: 1 });
    expect(suggestIntake('noise', '楼下有燃气味')).toMatchObject({ priority: 0, keyword: '燃气' });
    expect(suggestIntake('plumbing', '厨房漏水')).toMatchObject({ priority: 2, keyword: null });
  });
});

describe('duplicate rule', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const probe = { unitId: 'p1-3-1-502', category: 'plumbing' } as const;
  const ticket = (over: Partial<Ticket> = {}) => ({
    unitId: 'p1-3-1-502',
    category: 'plumbing' as Ticket['category'],
    status: 'new' as Ticket['status'],
    createdAt: new Date(now.getTime() - 5 * 3600_000).toISOString(),
    ...over,
  });

  it('offers an open ticket of the same unit and category from the last 72 h', () => {
    expect(isDuplicate(ticket(), probe, now)).toBe(true);
    expect(isDuplicate(ticket({ status: 'dispatched' }), probe, now)).toBe(true);
  });

  it('counts the 72 h boundary itself, not a millisecond more', () => {
    const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
    expect(isDuplicate(ticket({ createdAt: at(DUPLICATE_WINDOW_MS) }), probe, now)).toBe(true);
    expect(isDuplicate(ticket({ createdAt: at(DUPLICATE_WINDOW_MS + 1) }), probe, now)).toBe(false);
    // Another offset, same instant.
    expect(isDuplicate(ticket({ createdAt: '2026-11-23T20:00:00+08:00' }), probe, now)).toBe(true);
    expect(isDuplicate(ticket({ createdAt: '2026-11-23T19:59:59+08:00' }), probe, now)).toBe(false);
  });

  it('ignores other units, other categories and closed or cancelled tickets', () => {
    expect(isDuplicate(ticket({ unitId: 'p1-3-1-503' }), probe, now)).toBe(false);
    expect(isDuplicate(ticket({ unitId: null }), probe, now)).toBe(false);
    expect(isDuplicate(ticket({ category: 'electrical' }), probe, now)).toBe(false);
    expect(isDuplicate(ticket({ status: 'closed' }), probe, now)).toBe(false);
    expect(isDuplicate(ticket({ status: 'cancelled' }), probe, now)).toBe(false);
  });

  it('lists duplicates newest first', () => {
    const older = ticket({ createdAt: '2026-11-25T00:00:00Z' });
    const newer = ticket({ createdAt: '2026-11-26T00:00:00Z' });
    expect(findDuplicates([older, ticket({ status: 'closed' }), newer], probe, now)).toEqual([newer, older]);
  });
});
