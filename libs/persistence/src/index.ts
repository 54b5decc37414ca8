export * from './data-source';
export * from './database.module';
export * from './case-queries';
export * from './reference-queries';
export * from './monitoring-queries';
export * from './idempotency-store';
export * from './work-queries';
export * from './read-statements';
