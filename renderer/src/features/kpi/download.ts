/** Saves text the desk handed over (the KPI CSV) as a file, through the browser's download. */
export function saveTextFile(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
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
