/**
 * What a store file's first bytes say about its encoding. The legacy store is UTF-8 (JSON's own
 * encoding, RFC 8259); Windows tools often put a UTF-8 byte-order mark in front, which is skipped.
 * A file in UTF-16 or UTF-32 (a byte-order mark, or ASCII JSON with NUL bytes between its
 * characters) is refused as a whole: read as UTF-8 its bytes would be garbage or, worse, half of it
 * would parse.
 */
export type FileEncoding =
  | { supported: true; byteOrderMark: boolean; skip: number }
  | { supported: false; encoding: 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE'; evidence: string };

/** How many leading bytes `sniffEncoding` wants (it works with fewer, for tiny files). */
export const SNIFF_BYTES = 4;

export function sniffEncoding(head: Buffer): FileEncoding {
  const b = (i: number) => (i < head.length ? head[i] : -1);
  if (b(0) === 0xef && b(1) === 0xbb && b(2) === 0xbf) return { supported: true, byteOrderMark: true, skip: 3 };
  if (b(0) === 0x00 && b(1) === 0x00 && b(2) === 0xfe && b(3) === 0xff)
    return { supported: false, encoding: 'UTF-32BE', evidence: 'byte-order mark 00 00 FE FF' };
  if (b(0) === 0xff && b(1) === 0xfe && b(2) === 0x00 && b(3) === 0x00)
    return { supported: false, encoding: 'UTF-32LE', evidence: 'byte-order mark FF FE 00 00' };
  if (b(0) === 0xfe && b(1) === 0xff) return { supported: false, encoding: 'UTF-16BE', evidence: 'byte-order mark FE FF' };
  if (b(0) === 0xff && b(1) === 0xfe) return { supported: false, encoding: 'UTF-16LE', evidence: 'byte-order mark FF FE' };
  // No mark: JSON text starts with an ASCII character, so the NULs around it give the encoding away
  // (RFC 4627 section 3). UTF-8 JSON never holds a NUL byte.
  if (head.length >= 4) {
    const zero = [0, 1, 2, 3].map((i) => head[i] === 0);
    if (zero[0] && zero[1] && zero[2] && !zero[3])
      return { supported: false, encoding: 'UTF-32BE', evidence: 'NUL bytes before each character' };
    if (!zero[0] && zero[1] && zero[2] && zero[3])
      return { supported: false, encoding: 'UTF-32LE', evidence: 'NUL bytes after each character' };
  }
  if (head.length >= 2) {
    if (head[0] === 0 && head[1] !== 0) return { supported: false, encoding: 'UTF-16BE', evidence: 'NUL bytes before each character' };
    if (head[0] !== 0 && head[1] === 0) return { supported: false, encoding: 'UTF-16LE', evidence: 'NUL bytes after each character' };
  }
  return { supported: true, byteOrderMark: false, skip: 0 };
}

/** The text of bytes in an encoding `sniffEncoding` refused (for the quarantine entry), byte-order mark left out. */
export function decodeRefused(bytes: Buffer, encoding: 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE'): string {
  if (encoding === 'UTF-16LE' || encoding === 'UTF-16BE') {
    return new TextDecoder(encoding === 'UTF-16LE' ? 'utf-16le' : 'utf-16be').decode(bytes);
  }
  // TextDecoder has no UTF-32: one code point per four bytes.
  let text = '';
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const code = encoding === 'UTF-32LE' ? bytes.readUInt32LE(i) : bytes.readUInt32BE(i);
    text += code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
  }
  return text.replace(/^\ufeff/, '');
}
