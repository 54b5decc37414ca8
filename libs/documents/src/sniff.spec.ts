import { TextChecker, sniffType } from './sniff';

const zipEntry = (name: string, content = '') => {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt32LE(content.length, 18);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, Buffer.from(name, 'latin1'), Buffer.from(content, 'latin1')]);
};

describe('document types from their first bytes', () => {
  it.each([
    ['%PDF-1.7\n…', 'application/pdf'],
    ['\x89PNG\r\n\x1a\n….', 'image/png'],
    ['\xff\xd8\xff\xe0JFIF', 'image/jpeg'],
    ['II*\x00….', 'image/tiff'],
    ['MM\x00*….', 'image/tiff'],
    ['\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 word 97', 'application/x-ole-storage'],
    ['Lettre de demande — traduction\nligne 2\n', 'text/plain; charset=utf-8'],
  ])('%j is %s', (head, type) => {
    expect(sniffType(Buffer.from(head, head.startsWith('Lettre') ? 'utf8' : 'latin1'), true)).toBe(type);
  });

  it('recognises OOXML and OpenDocument zips, and refuses any other zip', () => {
    expect(sniffType(Buffer.concat([zipEntry('[Content_Types].xml'), zipEntry('word/document.xml')]), false)).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(sniffType(zipEntry('mimetype', 'application/vnd.oasis.opendocument.text'), false)).toBe('application/vnd.oasis.opendocument.text');
    expect(sniffType(zipEntry('payload.exe'), false)).toBeNull();
  });

  it('refuses executables, binary noise, control characters and malformed UTF-8', () => {
    expect(sniffType(Buffer.from('MZ\x90\x00', 'latin1'), true)).toBeNull();
    expect(sniffType(Buffer.from([0x00, 0x01, 0x02]), true)).toBeNull();
    expect(sniffType(Buffer.from('text with a bell \x07', 'latin1'), true)).toBeNull();
    expect(sniffType(Buffer.from([0x61, 0xc3, 0x28]), true)).toBeNull();
    expect(sniffType(Buffer.alloc(0), true)).toBeNull();
  });

  it('checks text across chunk boundaries: a character split in two is fine, a truncated one at the end is not', () => {
    const e = Buffer.from('é', 'utf8');
    const ok = new TextChecker();
    expect(ok.accepts(Buffer.concat([Buffer.from('caf'), e.subarray(0, 1)]), false)).toBe(true);
    expect(ok.accepts(e.subarray(1), true)).toBe(true);
    const truncated = new TextChecker();
    expect(truncated.accepts(Buffer.concat([Buffer.from('caf'), e.subarray(0, 1)]), false)).toBe(true);
    expect(truncated.accepts(Buffer.alloc(0), true)).toBe(false);
  });
});
