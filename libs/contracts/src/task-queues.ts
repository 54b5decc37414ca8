/** Versioned so that a breaking change of workers can run beside the old queue while it drains. */
export const CASES_TASK_QUEUE = 'mla-cases-v1';

export const WORKFLOW_TYPES = {
  mlaCase: 'mlaCaseWorkflow',
} as const;

const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Workflow ids come from the case id only: never from names, dates or anything personal. */
export function mlaCaseWorkflowId(caseId: string): string {
  if (!CASE_ID.test(caseId)) throw new Error(`not a case id: ${caseId}`);
  return `mla-${caseId}`;
}
