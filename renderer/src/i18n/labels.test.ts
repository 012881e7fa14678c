/**
 * Issue 9 point 3: one name per state, everywhere. The status chip (list row, detail, search, palette), the SOP
 * card's title, the step menus and the timeline all name a state through labels.status, which reads the workflow
 * step's label — so for every type × state the SOP card's name is the chip's, in both languages.
 */
import { describe, expect, it } from 'vitest';
import { RESIDENT_TAGS, STATUSES, TICKET_TYPES } from '../../../common/domain';
import { WORKFLOW_DEFS, findStep } from '../../../common/workflows';
import { labelsIn } from './labels';

const LANGUAGES = [
  ['zh-CN', 'zh'],
  ['en', 'en'],
] as const;

describe('status names', () => {
  it.each(LANGUAGES)('every workflow step is named as its chip (%s)', (language, step) => {
    const labels = labelsIn(language);
    for (const type of TICKET_TYPES) {
      for (const s of WORKFLOW_DEFS[type].steps) {
        expect(labels.status(type, s.status), `${type}.${s.status}`).toBe(s.label[step]);
      }
    }
  });

  it.each(LANGUAGES)('every type × state has a non-empty name that is not the raw status (%s)', (language, step) => {
    const labels = labelsIn(language);
    for (const type of TICKET_TYPES) {
      for (const status of STATUSES) {
        const name = labels.status(type, status);
        expect(name.trim(), `${type}.${status}`).not.toBe('');
        expect(name, `${type}.${status}`).not.toBe(status);
        // A state outside the type's workflow borrows another workflow's name for it; inside, it is the step's.
        const own = findStep(type, status);
        if (own) expect(name).toBe(own.label[step]);
      }
    }
  });

  it('the two languages name each state differently (en is not a copy)', () => {
    for (const type of TICKET_TYPES) {
      for (const status of STATUSES) {
        expect(labelsIn('en').status(type, status)).not.toBe(labelsIn('zh-CN').status(type, status));
      }
    }
  });

  // The reported case: an enquiry's chip said 待受理 while its SOP card said 待处理.
  it('names the reported states by their workflow step', () => {
    expect(labelsIn('zh-CN').status('enquiry', 'new')).toBe('待处理');
    expect(labelsIn('zh-CN').status('repair', 'new')).toBe('待受理');
    expect(labelsIn('zh-CN').status('fee', 'new')).toBe('待催缴');
    expect(labelsIn('zh-CN').status('repair', 'closed')).toBe('已回访');
  });
});

describe('tag names', () => {
  it.each(LANGUAGES)('every known tag has its own label; free text stays as typed (%s)', (language) => {
    const labels = labelsIn(language);
    for (const tag of RESIDENT_TAGS) {
      expect(labels.tag(tag).trim(), tag).not.toBe('');
      expect(labels.tag(tag), tag).not.toBe(tag);
    }
    expect(labels.tag('漏水多次')).toBe('漏水多次');
    expect(labels.tag('deaf')).toBe('deaf');
  });

  it('labels the tags the Chinese UI showed raw', () => {
    expect(labelsIn('zh-CN').tag('elderly')).toBe('老人');
    expect(labelsIn('zh-CN').tag('language')).toBe('需外语沟通');
    expect(labelsIn('en').tag('language')).toBe('Other language');
  });
});
