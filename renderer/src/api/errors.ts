/** Turns whatever a DeskApi call rejected with into a message fit for an inline alert. */
export function deskErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  // Electron's ipcRenderer.invoke prefixes host errors with its own plumbing; the user needs only the reason.
  return raw.replace(/^Error invoking remote method '[^']*':\s*(\w*Error:\s*)?/, '');
}

export function deskErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
