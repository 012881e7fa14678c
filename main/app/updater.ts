/** Auto-update through electron-updater: only for packaged, non-kiosk builds, and never fatal. */
import electronUpdater from 'electron-updater';
import { shouldCheckForUpdates } from './policy';

export function startUpdater(opts: { isPackaged: boolean; kiosk: boolean }): void {
  if (!shouldCheckForUpdates(opts)) return;
  // electron-updater is CommonJS: from an ES module its named exports are reached through the default export.
  const { autoUpdater } = electronUpdater;
  autoUpdater.on('error', (err: Error) => console.error('[updater] update failed:', err.message));
  autoUpdater.checkForUpdatesAndNotify().catch((err: unknown) => {
    // No feed, offline, bad signature…: the console keeps working on the installed version.
    console.error('[updater] update check failed:', err instanceof Error ? err.message : err);
  });
}
