/**
 * The SecretStores that seal the session token and the cache key (issue 11 §3): the browser host's key file
 * (AES-256-GCM, key file 0600) and the Electron shell's safeStorage with its key-file fallback, against a fake
 * safeStorage (no Electron binary here).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSafeStorageSecretStore, type SafeStorageLike } from '../../main/app/safe-storage';
import { SECRET_KEY_FILE, createKeyFileSecretStore } from '../../main/secrets/key-file';
import { SecretUnreadableError } from '../../main/secrets/store';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'desk-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'tok_3f9a8c7e5d4b2a1f0e9d8c7b6a5f4e3d';

/** Expects `fn` to throw SecretUnreadableError with the given `temporary`. */
function expectUnreadable(fn: () => unknown, temporary: boolean): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(SecretUnreadableError);
  expect((thrown as SecretUnreadableError).temporary).toBe(temporary);
}

describe('key-file secret store', () => {
  it('seals to text that hides the secret, opens it again, and keeps its key in a 0600 file of 32 bytes', () => {
    const dir = tempDir();
    const store = createKeyFileSecretStore(dir);
    const sealed = store.seal(SECRET);
    expect(sealed).toMatch(/^kf1:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(Buffer.from(sealed.slice(4), 'base64').includes(SECRET)).toBe(false);
    expect(store.seal(SECRET)).not.toBe(sealed); // a fresh IV each time
    expect(store.open(sealed)).toBe(SECRET);
    // Another store on the same profile (a restart) opens it with the key file alone.
    expect(createKeyFileSecretStore(dir).open(sealed)).toBe(SECRET);

    const keyFile = join(dir, SECRET_KEY_FILE);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile)).toHaveLength(32);
  });

  it("refuses, for good, what another profile's key sealed, altered text, and a lost key file", () => {
    const dir = tempDir();
    const sealed = createKeyFileSecretStore(dir).seal(SECRET);
    expectUnreadable(() => createKeyFileSecretStore(tempDir()).open(sealed), false);

    const bytes = Buffer.from(sealed.slice(4), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expectUnreadable(() => createKeyFileSecretStore(dir).open(`kf1:${bytes.toString('base64')}`), false);
    expectUnreadable(() => createKeyFileSecretStore(dir).open('kf1:'), false);
    expectUnreadable(() => createKeyFileSecretStore(dir).open(SECRET), false); // never sealed

    rmSync(join(dir, SECRET_KEY_FILE));
    expectUnreadable(() => createKeyFileSecretStore(dir).open(sealed), false);
  });

  it("leaves another store's secrets alone: text the Electron app sealed with safeStorage is kept (temporary)", () => {
    expectUnreadable(() => createKeyFileSecretStore(tempDir()).open('ss1:AAAA'), true);
  });
});

/** A keyring that XORs each byte: sealing is visible, and only this fake opens it. */
function fakeSafeStorage(state: { available: boolean; backend?: string }): SafeStorageLike & { calls: number } {
  const flip = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  const fake = {
    calls: 0,
    isEncryptionAvailable: () => state.available,
    getSelectedStorageBackend: () => state.backend ?? 'gnome_libsecret',
    encryptString(plain: string) {
      fake.calls++;
      if (!state.available) throw new Error('Encryption is not available.');
      return flip(Buffer.from(plain, 'utf8'));
    },
    decryptString(sealed: Buffer) {
      fake.calls++;
      if (!state.available) throw new Error('Decryption is not available.');
      return flip(sealed).toString('utf8');
    },
  };
  return fake;
}

describe('Electron safeStorage secret store', () => {
  it('seals with safeStorage when the OS keyring protects it, and writes no key file', () => {
    const dir = tempDir();
    const warn = vi.fn();
    const safe = fakeSafeStorage({ available: true });
    const store = createSafeStorageSecretStore(safe, createKeyFileSecretStore(dir), { platform: 'linux', warn });
    expect(store.kind).toBe('safeStorage');
    const sealed = store.seal(SECRET);
    expect(sealed).toMatch(/^ss1:/);
    expect(sealed).not.toContain(SECRET);
    expect(store.open(sealed)).toBe(SECRET);
    expect(safe.calls).toBe(2);
    expect(warn).not.toHaveBeenCalled();
    expect(() => statSync(join(dir, SECRET_KEY_FILE))).toThrow(/ENOENT/);
  });

  it.each([
    ['unavailable', { available: false }, 'linux'],
    [
      "Linux's basic_text backend (a password built into Chromium)",
      { available: true, backend: 'basic_text' },
      'linux',
    ],
    ['no backend chosen', { available: true, backend: 'unknown' }, 'linux'],
  ] as const)('falls back to the key file with a warning when safeStorage is %s', (_why, state, platform) => {
    const dir = tempDir();
    const warn = vi.fn();
    const safe = fakeSafeStorage(state);
    const store = createSafeStorageSecretStore(safe, createKeyFileSecretStore(dir), { platform, warn });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/key file/);
    expect(store.kind).toBe('key file');
    const sealed = store.seal(SECRET);
    expect(sealed).toMatch(/^kf1:/);
    expect(store.open(sealed)).toBe(SECRET);
    expect(safe.calls).toBe(0);
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('the backend matters on Linux only (Windows DPAPI and the macOS Keychain have none to report)', () => {
    const safe = fakeSafeStorage({ available: true, backend: 'unknown' });
    const store = createSafeStorageSecretStore(safe, createKeyFileSecretStore(tempDir()), {
      platform: 'win32',
      warn: () => {},
    });
    expect(store.kind).toBe('safeStorage');
  });

  it('opens what either way sealed; a safeStorage secret while the keyring is away is kept (temporary)', () => {
    const dir = tempDir();
    const state = { available: false };
    const fallbackSealed = createSafeStorageSecretStore(fakeSafeStorage(state), createKeyFileSecretStore(dir), {
      platform: 'linux',
      warn: () => {},
    }).seal(SECRET);

    state.available = true; // the keyring is back: secrets sealed meanwhile still open
    const withKeyring = createSafeStorageSecretStore(fakeSafeStorage(state), createKeyFileSecretStore(dir), {
      platform: 'linux',
    });
    expect(withKeyring.open(fallbackSealed)).toBe(SECRET);
    const keyringSealed = withKeyring.seal(SECRET);

    state.available = false; // and gone again: its secrets cannot open now, but may later
    const without = createSafeStorageSecretStore(fakeSafeStorage(state), createKeyFileSecretStore(dir), {
      platform: 'linux',
      warn: () => {},
    });
    expectUnreadable(() => without.open(keyringSealed), true);
  });

  it('text safeStorage cannot decrypt (another user or machine) is unreadable for good', () => {
    const safe = fakeSafeStorage({ available: true });
    safe.decryptString = () => {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    };
    const store = createSafeStorageSecretStore(safe, createKeyFileSecretStore(tempDir()), { platform: 'darwin' });
    expectUnreadable(() => store.open(store.seal(SECRET)), false);
  });
});
