/**
 * The Content-Security-Policy both shells send with every page (DESIGN.md §8). One definition so the Electron
 * window and the browser host cannot drift apart: only our own scripts, styles and connections, no plugins,
 * no framing, no <base> tricks, no form posts anywhere.
 */
export interface CspOptions {
  /** Extra connect-src sources, e.g. the browser host's own ws:// origin (older engines don't map 'self' to ws:). */
  connectSrc?: readonly string[];
}

export function buildCsp(options: CspOptions = {}): string {
  const directives: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    // React sets inline styles through the CSSOM, which CSP does not restrict, so no 'unsafe-inline' is needed.
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'", ...(options.connectSrc ?? [])]],
    ['worker-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** Parses a CSP string into directive → sources; used by tests and by callers that need to inspect a policy. */
export function parseCsp(csp: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) result.set(name.toLowerCase(), sources);
  }
  return result;
}
