// The worker's workflow bundle is built from this file: export every workflow, import nothing with side effects.
export { mlaCaseWorkflow } from './mla-case/mla-case.workflow';
