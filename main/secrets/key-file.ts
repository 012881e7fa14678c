/**
 * The browser host's SecretStore (and the Electron shell's fallback): AES-256-GCM with a random key kept in the
 * profile folder in a file only this user may read (0600). It keeps the secrets from other users of the PC and
 * out of copies of the cache; it cannot keep them from this user's own processes — the OS store does better.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileOnce } from '../profile';
import { SecretUnreadableError, sealedScheme, type SecretStore } from './store';

export const SECRET_KEY_FILE = 'secret.key';
const SCHEME = 'kf1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bound into every tag: text sealed for another purpose with the same key does not open here. */
const AAD = Buffer.from('service-desk-console secret v1');

export function createKeyFileSecretStore(profileDir: string): SecretStore {
  const file = join(profileDir, SECRET_KEY_FILE);
  let key: Buffer | null = null;

  const readKey = (): Buffer | null => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    if (bytes.length !== KEY_BYTES) throw new Error(`${file} is not a ${KEY_BYTES}-byte key (${bytes.length} bytes)`);
    return bytes;
  };
  /** The key, created on first use; another process creating it at the same moment wins and is read back. */
  const sealingKey = (): Buffer => {
    key ??= readKey();
    if (!key) {
      try {
        writePrivateFileOnce(file, randomBytes(KEY_BYTES));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      key = readKey();
      if (!key) throw new Error(`${file} vanished right after it was written`);
    }
    return key;
  };

  return {
    kind: 'key file',
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealingKey(), iv).setAAD(AAD);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${SCHEME}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      const scheme = sealedScheme(sealed);
      if (scheme !== SCHEME) {
        // Another store's (e.g. the Electron app's safeStorage): keep what it protects, that store can open it.
        throw new SecretUnreadableError(`not sealed with a key file (${scheme ?? 'not sealed'})`, scheme !== null);
      }
      key ??= readKey();
      if (!key) throw new SecretUnreadableError(`the key file ${file} is missing`, false);
      const bytes = Buffer.from(sealed.slice(SCHEME.length + 1), 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES)).setAAD(AAD);
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SecretUnreadableError(`sealed with another key than ${file}, or altered`, false);
      }
    },
  };
}
