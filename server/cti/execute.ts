/** Call events, call actions and presence pushed by consoles (their outbox), applied on the server. */
import { MutationRejected, type CallMutation, type MutationEffect } from '../../common/mutations';
import type { Queryable } from '../db/driver';
import type { ExecuteContext } from '../sync/execute';

export async function executeCallMutation(
  _q: Queryable,
  m: CallMutation,
  _ctx: ExecuteContext,
): Promise<MutationEffect> {
  // TODO(issue 10): being implemented in this session.
  throw new MutationRejected('unsupported', `${m.name} is not supported by this server yet`);
}
