/**
 * Asterisk Manager Interface framing: `Key: Value` lines ended by CRLF, a blank line ending each block (a
 * response or an event). Streaming like the netstring decoder: blocks may arrive split anywhere. The banner
 * (`Asterisk Call Manager/5.0.1`), a line with no colon, is reported as such; other lines without a colon are
 * garbage, skipped. A line or block beyond the limits is dropped, and a stream that never ends a line is fatal
 * (the caller drops the connection).
 */

export type AmiBlock = Record<string, string>;

export interface AmiParseResult {
  /** Blocks in order; keys are lower-cased (AMI spells Uniqueid/UniqueID both ways across versions). */
  blocks: AmiBlock[];
  banners: string[];
  problems: string[];
  /** A line longer than the limit with no end in sight: drop the connection. */
  fatal: boolean;
}

export interface AmiParserLimits {
  maxLineBytes?: number;
  maxKeys?: number;
}

export class AmiParser {
  private rest = '';
  private block: AmiBlock = {};
  private keys = 0;
  private overfull = false;
  private readonly maxLine: number;
  private readonly maxKeys: number;
  private decoder = new TextDecoder('utf-8');

  constructor(limits: AmiParserLimits = {}) {
    this.maxLine = limits.maxLineBytes ?? 16 * 1024;
    this.maxKeys = limits.maxKeys ?? 300;
  }

  push(chunk: Uint8Array): AmiParseResult {
    const out: AmiParseResult = { blocks: [], banners: [], problems: [], fatal: false };
    // stream: true keeps a UTF-8 sequence split between chunks for the next one.
    const text = this.rest + this.decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    for (const raw of lines) this.line(raw.endsWith('\r') ? raw.slice(0, -1) : raw, out);
    if (this.rest.length > this.maxLine) {
      out.problems.push(`a line of more than ${this.maxLine} characters`);
      out.fatal = true;
      this.rest = '';
    }
    return out;
  }

  private line(line: string, out: AmiParseResult) {
    if (line === '') {
      if (this.overfull) out.problems.push(`dropped a block of more than ${this.maxKeys} lines`);
      else if (this.keys > 0) out.blocks.push(this.block);
      this.block = {};
      this.keys = 0;
      this.overfull = false;
      return;
    }
    if (line.length > this.maxLine) {
      out.problems.push(`skipped a line of ${line.length} characters`);
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      if (this.keys === 0 && /^Asterisk Call Manager\//i.test(line)) out.banners.push(line);
      else out.problems.push(`skipped a line that is not "Key: Value" (${printable(line)})`);
      return;
    }
    if (++this.keys > this.maxKeys) {
      this.overfull = true;
      return;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    if (key === '__proto__') return;
    // Later duplicates (ChanVariable lines…) keep the first value: the documented headers come first.
    if (!Object.hasOwn(this.block, key)) this.block[key] = line.slice(colon + 1).trim();
  }
}

const printable = (s: string) =>
  // eslint-disable-next-line no-control-regex
  JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s).replace(/[\u0000-\u001f\u007f]/g, '?');

/** One action as AMI wants it on the wire: `Key: Value` lines and a blank line; CR/LF in values refused. */
export function encodeAmiAction(fields: Record<string, string>): string {
  let text = '';
  for (const [k, v] of Object.entries(fields)) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) throw new Error(`AMI: a line break in ${k} would inject headers`);
    text += `${k}: ${v}\r\n`;
  }
  return `${text}\r\n`;
}
