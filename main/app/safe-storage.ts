/**
 * The Electron shell's SecretStore: Electron's safeStorage (DPAPI on Windows, the Keychain on macOS, libsecret or
 * KWallet on Linux) seals the desk's secrets. Where it cannot protect anything — unavailable, or Linux's
 * "basic_text" backend, which encrypts with a password built into Chromium — the key file of the browser host is
 * used instead, with a warning. Text sealed either way opens here as long as its means exists.
 *
 * Takes safeStorage as a parameter (it imports no Electron), so the decisions are unit-tested with a fake.
 */
import { SecretUnreadableError, sealedScheme, type SecretStore } from '../secrets/store';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

const SCHEME = 'ss1';
/** Linux backends that protect nothing: a fixed password, or none chosen. */
const UNPROTECTED_BACKENDS = new Set(['basic_text', 'unknown']);

/** Why safeStorage cannot be used on this machine now, or null when it can. */
export function safeStorageUnusable(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'safeStorage reports encryption unavailable';
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (UNPROTECTED_BACKENDS.has(backend)) return `no keyring (safeStorage backend "${backend}")`;
  }
  return null;
}

export function createSafeStorageSecretStore(
  safeStorage: SafeStorageLike,
  fallback: SecretStore,
  options: { platform?: NodeJS.Platform; warn?: (message: string) => void } = {},
): SecretStore {
  const unusable = safeStorageUnusable(safeStorage, options.platform ?? process.platform);
  if (unusable) {
    (options.warn ?? console.warn)(
      `[app] ${unusable}: the session token and cache key are sealed with a key file only this user can read ` +
        '(weaker: other programs of this user can read it too)',
    );
  }
  return {
    kind: unusable ? fallback.kind : 'safeStorage',
    seal(plain) {
      if (unusable) return fallback.seal(plain);
      return `${SCHEME}:${safeStorage.encryptString(plain).toString('base64')}`;
    },
    open(sealed) {
      if (sealedScheme(sealed) !== SCHEME) return fallback.open(sealed);
      // A keyring that is locked or gone today may be back tomorrow: keep what it protects.
      if (unusable) throw new SecretUnreadableError(`sealed with safeStorage, which is unusable: ${unusable}`, true);
      try {
        return safeStorage.decryptString(Buffer.from(sealed.slice(SCHEME.length + 1), 'base64'));
      } catch (err) {
        throw new SecretUnreadableError(`safeStorage cannot open it (${String(err)})`, false);
      }
    },
  };
}
