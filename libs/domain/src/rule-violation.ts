/** One field-level problem: the field (JSON path) and the rule it breaks. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
  legalRef?: string;
}

/**
 * Why the engine refuses a command. `kind` maps to the HTTP status at the edge:
 * CONFLICT (409: not allowed in the case's current state) and INVALID (422: the content breaks a rule).
 */
export interface RuleViolation {
  kind: 'CONFLICT' | 'INVALID';
  code: string;
  message: string;
  legalRef?: string;
  errors?: FieldProblem[];
}
