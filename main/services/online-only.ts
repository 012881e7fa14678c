/**
 * Desk methods that work online only (the server keeps the data and decides who may): the server's refusal as an
 * error the renderer can tell apart (its `code`) and show (its message), saying that nothing was changed.
 */
import { CentralError } from '../central';
import { DeskError } from '../session';

export function explainedCentralError(err: unknown, notFound?: string): unknown {
  if (!(err instanceof CentralError)) return err;
  if (err.kind === 'offline') {
    return new DeskError('offline', 'The server cannot be reached: this needs a connection. Nothing was changed.');
  }
  if (err.kind === 'unauthorized') return new DeskError('unauthenticated', 'Log in again. Nothing was changed.');
  if (err.code === 'forbidden') return new DeskError('forbidden', 'Your role may not do this. Nothing was changed.');
  if (err.code === 'not_found' && notFound) return new DeskError('not_found', notFound);
  return new DeskError(err.code, err.message);
}

/** Runs one request to the server, its failure explained (`notFound`: what a 404 means to this method). */
export async function online<T>(request: () => Promise<T>, notFound?: string): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw explainedCentralError(err, notFound);
  }
}
