export * from './task-queues';
export * from './mla-case.contract';
export * from './extradition.contract';
export * from './person-registry.contract';
export * from './statistics.contract';
export * from './case-messages.contract';
export * from './search-attributes.contract';
export * from './notification.contract';
