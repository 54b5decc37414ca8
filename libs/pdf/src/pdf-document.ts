import PDFDocument from 'pdfkit';

/**
 * The faces the documents are set in. TrueType fonts embedded (subset) in every PDF: the standard PDF
 * fonts only encode WinAnsi, and names of persons and places need Latin Extended (ẹ, ọ, ṣ, ă …).
 */
export interface PdfFonts {
  regular: Buffer;
  bold: Buffer;
}

export interface PdfMeta {
  title: string;
  subject: string;
  author: string;
  language: string;
  /** The instant the document records as its creation (so that the same input gives the same words and date). */
  createdAt: Date;
}

const MARGIN = 56;

/** An A4 document with the fonts registered as `body` and `bold`, pages buffered for the footer. */
export function newDocument(fonts: PdfFonts, meta: PdfMeta): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 14, left: MARGIN, right: MARGIN },
    bufferPages: true,
    lang: meta.language,
    displayTitle: true,
    info: { Title: meta.title, Subject: meta.subject, Author: meta.author, Creator: 'MLA case-workflow engine', CreationDate: meta.createdAt },
  });
  doc.registerFont('body', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  doc.font('body').fontSize(10.5);
  return doc;
}

/** Ends the document and gives its bytes. */
export function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** A footer on every page: the reference the document belongs to and `page / pages`. */
export function footers(doc: PDFKit.PDFDocument, reference: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i += 1) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing below the bottom margin would open a new page: lift the margin while the footer is set.
    doc.page.margins.bottom = 0;
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#444444')
      .text(`${reference} — ${i - start + 1} / ${count}`, MARGIN, doc.page.height - MARGIN + 8, {
        width: doc.page.width - 2 * MARGIN,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('black');
}

export function heading(doc: PDFKit.PDFDocument, text: string, legalRef?: string): void {
  doc.moveDown(0.8);
  doc
    .font('bold')
    .fontSize(11.5)
    .text(text, { continued: Boolean(legalRef) });
  if (legalRef) doc.font('body').fontSize(9).fillColor('#444444').text(`  (${legalRef})`).fillColor('black');
  doc.moveDown(0.25);
  doc.font('body').fontSize(10.5);
}

export function rule(doc: PDFKit.PDFDocument): void {
  const y = doc.y + 3;
  doc
    .moveTo(doc.page.margins.left, y)
    .lineTo(doc.page.width - doc.page.margins.right, y)
    .lineWidth(0.5)
    .strokeColor('#888888')
    .stroke()
    .strokeColor('black');
  doc.y = y + 6;
}
