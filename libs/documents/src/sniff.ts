/**
 * The type of a document from its first bytes, never from what the client says: the allow-list is PDF,
 * PNG, JPEG, TIFF, office formats (OOXML and OpenDocument in zip, the older ones in OLE compound files)
 * and plain UTF-8 text. Text is checked whole while it streams (TextChecker); the others by their magic.
 */
export const SNIFF_BYTES = 4096;

/** The families allowed, as named in a refusal. */
export const ALLOWED_FAMILIES = 'PDF, PNG, JPEG, TIFF, office documents (OOXML, OpenDocument, OLE) or plain UTF-8 text';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

const startsWith = (head: Buffer, bytes: number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/**
 * The allowed type of a file starting with `head` (up to SNIFF_BYTES, or the whole file when `complete`),
 * or null when it is none of them.
 */
export function sniffType(head: Buffer, complete: boolean): string | null {
  if (head.length === 0) return null;
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-ole-storage';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return officeZip(head);
  return new TextChecker().accepts(head, complete) ? TEXT_TYPE : null;
}

/**
 * A zip is an office document when its entries say so: OpenDocument stores its `mimetype` entry first and
 * uncompressed, OOXML has `[Content_Types].xml` and parts under word/, xl/ or ppt/.
 */
function officeZip(head: Buffer): string | null {
  if (head.length < 30) return null;
  const size = head.readUInt32LE(18);
  const nameLength = head.readUInt16LE(26);
  const extraLength = head.readUInt16LE(28);
  const firstName = head.subarray(30, 30 + nameLength).toString('latin1');
  if (firstName === 'mimetype') {
    const start = 30 + nameLength + extraLength;
    const mime = head.subarray(start, start + Math.min(size, 100)).toString('latin1');
    return /^application\/vnd\.oasis\.opendocument\.[a-z.-]+$/.test(mime) ? mime : null;
  }
  if (!head.includes('[Content_Types].xml', 0, 'latin1') && !firstName.startsWith('_rels/') && !firstName.startsWith('docProps/')) return null;
  const ooxml = 'application/vnd.openxmlformats-officedocument';
  if (head.includes('word/', 0, 'latin1')) return `${ooxml}.wordprocessingml.document`;
  if (head.includes('xl/', 0, 'latin1')) return `${ooxml}.spreadsheetml.sheet`;
  if (head.includes('ppt/', 0, 'latin1')) return `${ooxml}.presentationml.presentation`;
  return null;
}

/**
 * Plain text as the engine accepts it: well-formed UTF-8 (checked across chunk boundaries) with no control
 * character but tab, line feed, form feed and carriage return.
 */
export class TextChecker {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  /** Whether this chunk keeps the text acceptable; `last` when it is the end of the file. */
  accepts(chunk: Buffer, last: boolean): boolean {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: !last });
    } catch {
      return false;
    }
    return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
  }
}
