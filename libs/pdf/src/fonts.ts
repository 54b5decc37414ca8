import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../config/src/project-root';
import type { PdfFonts } from './pdf-document';

/** Where the vendored fonts live (DejaVu, Bitstream Vera licence: assets/fonts/LICENSE); read from the sources, also in dist/ runs. */
export const FONT_DIR = join(projectRoot(), 'assets', 'fonts');

let cached: PdfFonts | undefined;

/** DejaVu Serif, regular and bold: read once, kept for the life of the process. */
export function loadPdfFonts(dir = FONT_DIR): PdfFonts {
  if (cached && dir === FONT_DIR) return cached;
  const fonts = { regular: readFileSync(join(dir, 'DejaVuSerif.ttf')), bold: readFileSync(join(dir, 'DejaVuSerif-Bold.ttf')) };
  if (dir === FONT_DIR) cached = fonts;
  return fonts;
}
