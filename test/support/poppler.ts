// Reads PDFs back as a person would, with Debian's poppler-utils: pdftotext for the words, pdftoppm for
// the page as an image. Missing binaries fail the test with the command that installs them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

export const POPPLER_INSTALL = 'apt-get install -y poppler-utils';

function run(bin: 'pdftotext' | 'pdftoppm', args: string[]): Buffer {
  const r = spawnSync(bin, args, { env: process.env, maxBuffer: 64 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new Error(`${bin} is not installed: the PDF tests read documents with Debian's poppler-utils. Install it: ${POPPLER_INSTALL}`);
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

/** Fails now, with the fix, when poppler-utils is missing (call it in beforeAll). */
export function requirePoppler(): void {
  for (const bin of ['pdftotext', 'pdftoppm'] as const) {
    const r = spawnSync(bin, ['-v'], { env: process.env });
    if (r.error) throw new Error(`${bin} is not installed: the PDF tests need Debian's poppler-utils. Install it: ${POPPLER_INSTALL}`);
  }
}

function withFile<T>(pdf: Buffer, fn: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pdf-'));
  try {
    const path = join(dir, 'doc.pdf');
    writeFileSync(path, pdf);
    return fn(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of every page, in reading order, as UTF-8; whitespace runs (line breaks of justified text) folded to one space. */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (path) => run('pdftotext', ['-enc', 'UTF-8', path, '-']).toString('utf8'));
}

export const flat = (text: string) => text.replace(/\s+/g, ' ');

/** Page `page` rendered by pdftoppm as a PNG; kept under test-results/pdf/ as `name` for a human to look at. */
export function renderPage(pdf: Buffer, name: string, page = 1): Buffer {
  const png = withFile(pdf, (path, dir) => {
    run('pdftoppm', ['-png', '-r', '50', '-f', String(page), '-l', String(page), '-singlefile', path, join(dir, 'page')]);
    return readFileSync(join(dir, 'page.png'));
  });
  const out = join(__dirname, '..', '..', 'test-results', 'pdf');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name}.png`), png);
  return png;
}

/** Share of pixels of an 8-bit grey or RGB PNG (as pdftoppm writes them) darker than mid-grey: 0 for a blank page. */
export function inkRatio(png: Buffer): number {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 1;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || (data[9] !== 0 && data[9] !== 2) || data[12] !== 0)
        throw new Error(`expected an 8-bit grey or RGB PNG, not interlaced; got depth ${data[8]}, colour type ${data[9]}, interlace ${data[12]}`);
      channels = data[9] === 2 ? 3 : 1;
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  let previous = Buffer.alloc(stride);
  let dark = 0;
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i += 1) {
      const left = i >= channels ? line[i - channels] : 0;
      const up = previous[i];
      const upLeft = i >= channels ? previous[i - channels] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      line[i] = (line[i] + predictor) & 0xff;
    }
    for (let x = 0; x < width; x += 1) {
      let sum = 0;
      for (let c = 0; c < channels; c += 1) sum += line[x * channels + c];
      if (sum / channels < 128) dark += 1;
    }
    previous = line;
  }
  return dark / (width * height);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
