import type { CompletenessProfile } from '../rule-pack';
import type { FieldProblem } from '../rule-violation';
import type { MlaRequestContent } from './mla-content';

export interface CompletenessReport {
  errors: FieldProblem[];
  warnings: FieldProblem[];
}

const blank = (v: string | undefined) => !v || !v.trim();

/**
 * What a request must contain under its basis before it leaves the prosecutor: UNTOC art. 18(15)
 * (a)–(f), where (c) does not apply to service of documents; the ECOWAS Convention's art. 5(1) adds the
 * time limit wished, whose absence is a warning, not an error.
 */
export function checkCompleteness(content: MlaRequestContent, profile: CompletenessProfile): CompletenessReport {
  const errors: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const ecowas = profile === 'ECOWAS_5_1';
  const ref = (untoc: string, ecowasRef?: string) => (ecowas && ecowasRef ? `${ecowasRef}; UNTOC art.18(15)${untoc}` : `UNTOC art.18(15)${untoc}`);
  const require = (missing: boolean, field: string, snake: string, legalRef: string) => {
    if (missing) errors.push({ field, rule: 'required', message: `${snake} required (${legalRef})`, legalRef });
  };

  require(blank(content.subjectOfProceedings), 'subjectOfProceedings', 'subject_of_proceedings', ref('(b)', 'ECOWAS art.5(1)(b)'));
  const onlyService = content.assistanceTypes.length > 0 && content.assistanceTypes.every((t) => t === 'SERVICE_OF_DOCUMENTS');
  require(blank(content.factsSummary) && !onlyService, 'factsSummary', 'facts_summary', ref('(c)', 'ECOWAS art.5(1)(c)'));
  require(content.assistanceTypes.length === 0, 'assistanceTypes', 'assistance_types', ref('(d)', 'ECOWAS art.5(1)(c)'));
  require(blank(content.purpose), 'purpose', 'purpose', ref('(f)'));
  if (content.persons.length === 0) {
    warnings.push({
      field: 'persons',
      rule: 'where_possible',
      message: 'identity, location and nationality of the persons concerned should be given where possible (UNTOC art.18(15)(e))',
      legalRef: 'UNTOC art.18(15)(e)',
    });
  }
  if (ecowas && blank(content.requestedByDate)) {
    warnings.push({
      field: 'requestedByDate',
      rule: 'recommended',
      message: 'requested_by_date missing: the request should state the time limit wished (ECOWAS art.5(1)(f))',
      legalRef: 'ECOWAS art.5(1)(f)',
    });
  }
  return { errors, warnings };
}
