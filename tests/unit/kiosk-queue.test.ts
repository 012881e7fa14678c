/** The kiosk's pure rules: the wait estimate, the queue day, number labels and what each lobby page may call. */
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../common/contract';
import { queueDay, queueLabel } from '../../common/kiosk/lines';
import {
  MAX_SERVICE_GAP_MINUTES,
  SERVICE_SAMPLE,
  estimateWaitMinutes,
  recentServiceMinutes,
} from '../../common/kiosk/wait';
import { allowList, isMethodAllowed, surfaceFromArgv } from '../../common/surfaces';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 1, 0) + minute * 60_000);

describe('recent service time', () => {
  it('is the fallback until there are two calls', () => {
    expect(recentServiceMinutes([], 6)).toBe(6);
    expect(recentServiceMinutes([at(0)], 6)).toBe(6);
  });

  it('averages the gaps between calls, whatever order they come in', () => {
    expect(recentServiceMinutes([at(10), at(0), at(4)], 6)).toBe(5); // gaps 6 and 4
  });

  it('ignores a gap longer than a break and simultaneous calls', () => {
    expect(recentServiceMinutes([at(0), at(3), at(3 + MAX_SERVICE_GAP_MINUTES + 1)], 6)).toBe(3);
    expect(recentServiceMinutes([at(0), at(0)], 6)).toBe(6);
  });

  it('uses only the most recent gaps', () => {
    // Old gaps of 20 minutes, then SERVICE_SAMPLE recent gaps of 2 minutes.
    const old = [0, 20, 40, 60].map(at);
    const recent = Array.from({ length: SERVICE_SAMPLE + 1 }, (_, i) => at(80 + i * 2));
    expect(recentServiceMinutes([...old, ...recent], 6)).toBe(2);
  });
});

describe('wait estimate', () => {
  it('is people ahead × service time, rounded up to whole minutes', () => {
    expect(estimateWaitMinutes(0, 6)).toBe(0);
    expect(estimateWaitMinutes(3, 6)).toBe(18);
    expect(estimateWaitMinutes(3, 2.5)).toBe(8);
    expect(estimateWaitMinutes(1, 0.2)).toBe(1);
  });
});

describe('queue numbers', () => {
  it("label the line and the day's sequence", () => {
    expect([queueLabel('A', 1), queueLabel('B', 42), queueLabel('C', 999)]).toEqual(['A001', 'B042', 'C999']);
  });

  it("belong to the day in the site's time zone", () => {
    expect(queueDay(new Date('2026-12-06T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-12-06');
    expect(queueDay(new Date('2026-12-06T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-07');
    expect(queueDay(new Date('2026-12-06T16:00:00Z'), 'UTC')).toBe('2026-12-06');
  });
});

describe('lobby pages', () => {
  it('the kiosk reaches its flows, never a ticket, resident, call, user or the queue controls', () => {
    const kiosk = allowList('kiosk').methods;
    expect([...kiosk].sort()).toEqual(
      ['kiosk.checkStatus', 'kiosk.reportRepair', 'kiosk.signIn', 'kiosk.takeNumber', 'session.me'].sort(),
    );
    for (const method of METHOD_NAMES.filter((m) => /^(tickets|residents|calls|directory|queue)\./.test(m))) {
      expect(isMethodAllowed('kiosk', method), method).toBe(false);
    }
  });

  it('the display reaches the board only', () => {
    expect([...allowList('display').methods].sort()).toEqual(['kiosk.signIn', 'queue.board', 'session.me']);
    expect(allowList('display').events).toContain('queue.changed');
    expect(surfaceFromArgv(['--desk-surface=display'])).toBe('display');
    expect(surfaceFromArgv(['--desk-surface=nonsense'])).toBe('kiosk');
  });
});
