/**
 * Named crash points for the kill -9 tests (issue 3): with `DESK_CRASH_AT=<name>:<n>` in the environment the
 * process SIGKILLs itself on the n-th time it passes `crashPoint(name)`. Without it every call is a no-op;
 * the variable is read once, at load.
 */
function parse(spec: string | undefined): { name: string; n: number } | null {
  const match = spec ? /^(.+):(\d+)$/.exec(spec) : null;
  if (!match?.[1] || !match[2]) return null;
  const n = Number(match[2]);
  return n >= 1 ? { name: match[1], n } : null;
}

const target = parse(process.env.DESK_CRASH_AT);
let hits = 0;

export function crashPoint(name: string): void {
  if (target === null || name !== target.name) return;
  hits += 1;
  if (hits === target.n) process.kill(process.pid, 'SIGKILL');
}
