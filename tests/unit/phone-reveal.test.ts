/**
 * Reveal at the desk: a call or ticket the server does not know yet (still in the outbox) is pushed first and asked
 * for once more; every other refusal is passed on as it came, with nothing retried.
 */
import { describe, expect, it } from 'vitest';
import type { RevealRequest } from '../../common/api';
import { CentralError } from '../../main/central';
import { createPhoneReveal } from '../../main/privacy/reveal';

const ref = { subject: 'call', id: '00000000-0000-4000-8000-000000000001' } as const;

/** A server that knows the call only once `known` is set; records every request. */
function server(status = 404) {
  const asked: RevealRequest[] = [];
  const state = { known: false };
  return {
    state,
    asked,
    reveal: async (body: RevealRequest) => {
      asked.push(body);
      if (!state.known) throw new CentralError('rejected', 'not_found', 'no such call', status);
      return { number: '13800138000' };
    },
  };
}

describe('phone reveal at the desk', () => {
  it('pushes unsent work and asks again when the server does not know the call yet', async () => {
    const central = server();
    let pushes = 0;
    const reveal = createPhoneReveal({
      central,
      signedIn: () => true,
      clientId: () => 'desk-1',
      pushUnsent: async () => {
        pushes += 1;
        central.state.known = true;
        return true;
      },
    });
    await expect(reveal.view(ref)).resolves.toBe('138 0013 8000');
    expect(pushes).toBe(1);
    expect(central.asked).toHaveLength(2);
    expect(central.asked[0]).toMatchObject({ ...ref, purpose: 'view', clientId: 'desk-1' });
  });

  it('says not_found once, without a second request, when nothing was waiting to be sent', async () => {
    const central = server();
    const reveal = createPhoneReveal({
      central,
      signedIn: () => true,
      clientId: () => 'desk-1',
      pushUnsent: async () => false,
    });
    await expect(reveal.dial(ref)).rejects.toMatchObject({ code: 'not_found' });
    expect(central.asked).toHaveLength(1);
  });

  it('passes a refusal of the role on at once: no push, no retry', async () => {
    const central = server(403);
    let pushes = 0;
    const reveal = createPhoneReveal({
      central,
      signedIn: () => true,
      clientId: () => 'desk-1',
      pushUnsent: async () => {
        pushes += 1;
        return true;
      },
    });
    await expect(reveal.view(ref)).rejects.toMatchObject({ code: 'forbidden' });
    expect(pushes).toBe(0);
    expect(central.asked).toHaveLength(1);
  });

  it('asks nothing of the server when nobody is signed in', async () => {
    const central = server();
    const reveal = createPhoneReveal({ central, signedIn: () => false, clientId: () => 'desk-1' });
    await expect(reveal.view(ref)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(central.asked).toHaveLength(0);
  });
});
