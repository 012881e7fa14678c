/** HTTP errors as `{error, details?}` bodies (common/api.ts ApiError), and zod parsing that yields them. */
import type { z } from 'zod';

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly error: string,
    public readonly details?: unknown,
  ) {
    super(error);
    this.name = 'HttpError';
  }

  get body(): { error: string; details?: unknown } {
    return this.details === undefined ? { error: this.error } : { error: this.error, details: this.details };
  }
}

/** Parses input with a shared schema; bad input becomes 400 `{error: 'invalid_request', details: issues}`. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new HttpError(400, 'invalid_request', result.error.issues);
  return result.data;
}
