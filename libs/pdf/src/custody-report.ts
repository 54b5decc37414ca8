import { fill, type LetterTemplate } from './letter-templates';
import { finish, footers, heading, newDocument, rule, type PdfFonts } from './pdf-document';

/** One handover of an evidence document as the audit trail records it. */
export interface CustodyHandover {
  /** The user who held or handed over the document, and the role and authority they acted in. */
  actor: string;
  role: string;
  authority: string;
  stateCode?: string;
  /** What happened (recorded, handed over to …, received), as the custody chain names it. */
  event?: string;
  at: Date | string;
  /** The SHA-256 of the bytes as they were at this handover. */
  sha256: string;
}

/** What the court-ready custody report is made of: plain data, from whatever holds the custody chain. */
export interface CustodyReportInput {
  caseReference: string;
  document: {
    id: string;
    kind: string;
    fileName?: string | null;
    mediaType?: string | null;
    sha256: string;
    size: number;
    recordedAt: Date | string;
  };
  chain: readonly CustodyHandover[];
  /** Whether the audit chain of the document's events still verifies (each event hashed over its predecessor); unsaid when unknown. */
  chainIntact?: boolean;
  generatedAt: Date;
  /** Who asked for the report (user, role, authority): the report says so. */
  generatedBy: string;
}

export interface CustodyStep extends CustodyHandover {
  unchanged: boolean;
}

/** Each handover with whether the hash it recorded is the document's: the question a court asks. */
export function custodySteps(input: Pick<CustodyReportInput, 'document' | 'chain'>): CustodyStep[] {
  const hash = input.document.sha256.toLowerCase();
  return input.chain.map((h) => ({ ...h, unchanged: h.sha256.toLowerCase() === hash }));
}

const iso = (at: Date | string) => {
  const d = at instanceof Date ? at : new Date(at);
  return Number.isNaN(d.getTime()) ? String(at) : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
};

/** The chain of custody of one document as a PDF: the document, each handover with its hash, and the verdict on integrity. */
export function renderCustodyReport(input: CustodyReportInput, template: LetterTemplate, fonts: PdfFonts): Promise<Buffer> {
  const l = template.custodyReport;
  const doc = newDocument(fonts, {
    title: l.title,
    subject: `${input.caseReference} / ${input.document.id}`,
    author: input.generatedBy,
    language: template.language,
    createdAt: input.generatedAt,
  });
  const line = (label: string, value: string) => {
    doc.font('bold').text(`${label}: `, { continued: true });
    doc.font('body').text(value);
  };

  doc.font('bold').fontSize(15).text(l.title, { align: 'center' });
  doc.moveDown(0.8);
  doc.font('body').fontSize(10.5);
  line(l.caseReference, input.caseReference);

  heading(doc, l.document);
  const d = input.document;
  line(l.kind, d.kind);
  if (d.fileName) line(l.fileName, d.fileName);
  if (d.mediaType) line(l.mediaType, d.mediaType);
  line(l.size, String(d.size));
  line(l.recordedAt, iso(d.recordedAt));
  line(l.sha256, d.sha256.toLowerCase());

  heading(doc, l.chain);
  const steps = custodySteps(input);
  if (steps.length === 0) doc.text(l.noHandover);
  steps.forEach((s, i) => {
    rule(doc);
    doc.font('bold').text(`${l.step} ${i + 1}${s.event ? ` — ${s.event}` : ''}`);
    line(l.time, iso(s.at));
    line(l.actor, s.actor);
    line(l.role, s.role);
    line(l.authority, s.stateCode ? `${s.authority} (${s.stateCode})` : s.authority);
    line(l.hash, s.sha256.toLowerCase());
    doc.font('bold').text(`${l.unchanged}: `, { continued: true });
    doc
      .font('bold')
      .fillColor(s.unchanged ? '#1b5e20' : '#b00020')
      .text(s.unchanged ? l.yes : l.no)
      .fillColor('black');
  });
  if (steps.length) {
    rule(doc);
    const changed = steps.filter((s) => !s.unchanged).length;
    doc.moveDown(0.5);
    doc
      .font('bold')
      .fillColor(changed ? '#b00020' : 'black')
      .text(changed ? fill(l.changed, { count: changed }) : l.allUnchanged, { align: 'justify' })
      .fillColor('black');
  }
  if (input.chainIntact !== undefined) {
    doc.moveDown(0.5);
    doc
      .font('bold')
      .fillColor(input.chainIntact ? 'black' : '#b00020')
      .text(input.chainIntact ? l.chainIntact : l.chainBroken, { align: 'justify' })
      .fillColor('black');
  }
  doc.moveDown(1.5);
  doc
    .font('body')
    .fontSize(8)
    .fillColor('#444444')
    .text(fill(l.generated, { date: iso(input.generatedAt), actor: input.generatedBy }))
    .fillColor('black');

  footers(doc, input.caseReference);
  return finish(doc);
}
