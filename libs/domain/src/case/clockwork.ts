// Clocks, tasks and the escalation ladder shared by every kind of case (MLA, extradition, domestic
// prosecution): one mechanism, so that a deadline, a reminder or an escalation means the same thing everywhere.
export * from './case-model';
export * from './tasks';
export * from './clocks';
export * from './clock-events';
export * from './sla-clocks';
export * from './command-guard';
export * from './formal-request';
export * from './assignment';
