/** Saves JSON as a file the browser (or Electron's save dialog) names and stores; no path reaches the page. */
export function saveJsonFile(fileName: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has handed the blob over to the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "resident-r1-20261203.json": the id made safe for a file name, and the day of the export. */
export function exportFileName(residentId: string, exportedAt: string): string {
  const safe = residentId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return `resident-${safe}-${exportedAt.slice(0, 10).replaceAll('-', '')}.json`;
}
