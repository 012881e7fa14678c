/**
 * Which file of the built renderer (out/renderer) answers a URL path. Shared by the Electron `app://` protocol
 * and the browser host so both expose exactly the same files: the two pages and the hashed assets, nothing else
 * (no directory listings, no source maps of other folders, no way out of the renderer directory).
 */
import { extname, resolve, sep } from 'node:path';

/** The pages of the renderer, by URL path. Assets are referenced relatively (vite `base: './'`). */
export const PAGE_FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/kiosk': 'kiosk.html',
  '/display': 'display.html',
};

const ASSETS_PREFIX = '/assets/';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticFile {
  /** Absolute path inside the renderer directory. */
  file: string;
  contentType: string;
  /** Pages carry no content hash and must be revalidated; hashed assets may be cached. */
  isPage: boolean;
}

/**
 * Maps a raw (still percent-encoded) URL pathname to a file under `rootDir`, or null when the path is not one we
 * serve. Refuses anything that could step outside the assets folder, including encoded `..`, backslashes and
 * NUL bytes, rather than trying to normalise them.
 */
export function resolveStaticFile(rootDir: string, pathname: string): StaticFile | null {
  const root = resolve(rootDir);
  const page = PAGE_FILES[pathname];
  if (page !== undefined) return { file: resolve(root, page), contentType: contentTypeFor(page), isPage: true };
  if (!pathname.startsWith(ASSETS_PREFIX)) return null;

  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  if (decoded.includes('\\') || decoded.includes('\0')) return null;
  const segments = decoded.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;

  const assetsDir = resolve(root, 'assets');
  const file = resolve(root, ...segments);
  // Belt and braces: whatever the segments said, the result must still be inside assets/.
  if (!file.startsWith(assetsDir + sep)) return null;
  return { file, contentType: contentTypeFor(file), isPage: false };
}
