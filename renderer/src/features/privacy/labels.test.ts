/**
 * Every audited act (common/privacy.ts AUDIT_ACTIONS) has a name in both languages on the audit log screen, and
 * the screen names no act the server never writes: the filter list is exactly the log's vocabulary.
 */
import { describe, expect, it } from 'vitest';
import { LABELLED_AUDIT_ACTIONS, auditActionLabel } from './labels';
import { AUDIT_ACTIONS } from '../../../../common/privacy';

describe('audit action labels', () => {
  it('name exactly the actions the server audits', () => {
    expect([...LABELLED_AUDIT_ACTIONS].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });

  it.each([...AUDIT_ACTIONS])('name %s in Chinese and in English', (action) => {
    const zh = auditActionLabel(action, 'zh-CN');
    const en = auditActionLabel(action, 'en');
    expect(zh).not.toBe(action);
    expect(en).not.toBe(action);
    expect(zh).not.toBe(en);
  });

  it('show an unknown action as it was written', () => {
    expect(auditActionLabel('settings.sla.weather', 'en')).toBe('settings.sla.weather');
    expect(auditActionLabel('toString', 'zh-CN')).toBe('toString');
  });
});
