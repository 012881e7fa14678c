import { describe, expect, it } from 'vitest';
import { NO_AUDIT_FILTER, auditFilterOf, startOfSiteDay } from './auditFilter';

describe('audit log filters', () => {
  it('starts a day at the site’s midnight', () => {
    expect(startOfSiteDay('2026-03-02', 'Asia/Shanghai')).toBe('2026-03-01T16:00:00.000Z');
    expect(startOfSiteDay('2026-03-02', 'UTC')).toBe('2026-03-02T00:00:00.000Z');
    expect(startOfSiteDay('2026-02-30', 'UTC')).toBeNull();
    expect(startOfSiteDay('', 'UTC')).toBeNull();
  });

  it('counts the end date whole and leaves out what is not set', () => {
    expect(auditFilterOf({ ...NO_AUDIT_FILTER, from: '2026-03-02', to: '2026-03-02' }, 'Asia/Shanghai')).toEqual({
      since: '2026-03-01T16:00:00.000Z',
      until: '2026-03-02T16:00:00.000Z',
    });
    expect(auditFilterOf(NO_AUDIT_FILTER, 'Asia/Shanghai')).toEqual({});
    expect(auditFilterOf({ action: 'ticket.delete', actor: 'system', from: '', to: '' }, 'UTC', '1:2')).toEqual({
      action: 'ticket.delete',
      actor: 'system',
      cursor: '1:2',
    });
  });

  it('says when the dates contradict each other', () => {
    expect(auditFilterOf({ ...NO_AUDIT_FILTER, from: '2026-03-03', to: '2026-03-02' }, 'UTC')).toBe('bad_range');
  });
});
