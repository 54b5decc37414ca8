import { finish, footers, heading, newDocument, rule, type PdfFonts } from './pdf-document';
import type { LetterDraft, LetterParagraph } from './request-letter';

const MISSING_COLOUR = '#b00020';

function paragraph(doc: PDFKit.PDFDocument, p: LetterParagraph): void {
  const colour = p.missing ? MISSING_COLOUR : 'black';
  if (p.lead) doc.font('bold').fillColor(colour).text(`${p.lead} — `, { continued: true });
  doc.font('body').fillColor(colour).text(p.text, { align: 'justify', paragraphGap: 4 });
  doc.fillColor('black');
}

/** Sets the drafted letter on A4 pages: header, opening, numbered sections, missing elements, signature block. */
export function renderRequestLetter(draft: LetterDraft, fonts: PdfFonts, createdAt: Date): Promise<Buffer> {
  const doc = newDocument(fonts, { ...draft.meta, language: draft.language, createdAt });

  for (const { label, value } of draft.header) {
    doc.font('bold').text(`${label}: `, { continued: true });
    doc.font('body').text(value);
  }
  doc.moveDown(1.2);
  if (draft.urgent) doc.font('bold').fontSize(13).fillColor(MISSING_COLOUR).text(draft.urgent, { align: 'center' }).fillColor('black');
  doc.font('bold').fontSize(14).text(draft.title.toLocaleUpperCase(draft.language), { align: 'center' });
  doc.moveDown(0.8);
  rule(doc);
  doc.font('body').fontSize(10.5);
  for (const text of draft.opening) doc.text(text, { align: 'justify', paragraphGap: 4 });

  draft.sections.forEach((section, i) => {
    heading(doc, `${i + 1}. ${section.heading}`, section.legalRef);
    for (const p of section.paragraphs) paragraph(doc, p);
  });

  if (draft.missingElements.length) {
    heading(doc, draft.missingHeading);
    doc.text(draft.missingIntro, { align: 'justify', paragraphGap: 4 });
    doc.fillColor(MISSING_COLOUR);
    doc.list(
      draft.missingElements.map((m) => `${m.label} (${m.legalRef})`),
      { bulletRadius: 1.6, paragraphGap: 2 },
    );
    doc.fillColor('black');
  }

  doc.moveDown(2);
  doc.font('bold').text(draft.signature.heading);
  doc.moveDown(2.5);
  doc.font('body').fontSize(9).fillColor('#444444').text(draft.signature.line);
  doc.moveDown(1.5);
  doc.fontSize(8).text(draft.draftNotice).fillColor('black');

  footers(doc, draft.meta.subject);
  return finish(doc);
}
