/**
 * Where the desk's secrets at rest are sealed (issue 11 §3): the session token and the cache key never reach the
 * disk in plain text. The Electron shell seals with the operating system's store (main/app/safe-storage); the
 * browser host, which has none, with a key file only this user can read (./key-file).
 */

export interface SecretStore {
  /** What protects the secrets, for log lines ('safeStorage', 'key file'). */
  readonly kind: string;
  /** Encrypts `plain`; the result is printable ASCII, fit for a file or the cache's meta table. */
  seal(plain: string): string;
  /** Decrypts what `seal` returned; throws SecretUnreadableError when it cannot. */
  open(sealed: string): string;
}

/**
 * A sealed secret this store cannot open. `temporary`: the means to open it is missing for now (e.g. the
 * desktop's keyring is locked), so data protected by it must be kept; otherwise it never will open here
 * (another user or machine, a lost key file, tampered text).
 */
export class SecretUnreadableError extends Error {
  constructor(
    message: string,
    public readonly temporary: boolean,
  ) {
    super(message);
    this.name = 'SecretUnreadableError';
  }
}

/** Sealed text is `<scheme>:<base64>`; the scheme says which store can open it. */
export function sealedScheme(sealed: string): string | null {
  return /^([a-z0-9]+):/.exec(sealed)?.[1] ?? null;
}
