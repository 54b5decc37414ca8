/** Versioned so that a breaking change of workers can run beside the old queue while it drains. */
export const CASES_TASK_QUEUE = 'mla-cases-v1';

export const WORKFLOW_TYPES = {
  mlaCase: 'mlaCaseWorkflow',
  extradition: 'extraditionWorkflow',
  domesticProsecution: 'domesticProsecutionWorkflow',
} as const;

const PREFIX: Record<string, string> = { MLA: 'mla', EXTRADITION: 'ext', DOMESTIC_PROSECUTION: 'dom' };
export const WORKFLOW_TYPE_OF: Record<string, string> = {
  MLA: WORKFLOW_TYPES.mlaCase,
  EXTRADITION: WORKFLOW_TYPES.extradition,
  DOMESTIC_PROSECUTION: WORKFLOW_TYPES.domesticProsecution,
};

const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Workflow ids come from the case id only: never from names, dates or anything personal. */
export function mlaCaseWorkflowId(caseId: string): string {
  return caseWorkflowId('MLA', caseId);
}

export function caseWorkflowId(kind: string, caseId: string): string {
  if (!CASE_ID.test(caseId)) throw new Error(`not a case id: ${caseId}`);
  const prefix = PREFIX[kind];
  if (!prefix) throw new Error(`unknown kind of case: ${kind}`);
  return `${prefix}-${caseId}`;
}
