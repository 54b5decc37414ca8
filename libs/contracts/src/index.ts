export * from './task-queues';
export * from './mla-case.contract';
