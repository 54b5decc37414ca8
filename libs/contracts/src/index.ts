export * from './task-queues';
export * from './mla-case.contract';
export * from './extradition.contract';
