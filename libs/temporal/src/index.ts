export * from './case-gateway';
export * from './temporal.module';
export * from './workflow-bundle';
export * from './payload-codec';
export * from './notification-dispatch';
