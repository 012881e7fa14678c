/**
 * One line of log for a failure the desk expects now and then (a server that refuses, a session that ended, a
 * malformed answer): the error's name and the first line of its message, never its stack. Background jobs log
 * with this; a stack is for bugs, and a console that prints one at every sign-out teaches people to ignore them.
 */
const MAX_CHARS = 200;

export function errorLine(err: unknown): string {
  let text: string;
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    const first = err.message.split('\n', 1)[0] ?? '';
    text = `${err.name}${typeof status === 'number' ? ` ${status}` : ''}: ${first}`;
  } else {
    text = String(err);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text;
}
