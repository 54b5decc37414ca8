export * from './case-projection.activities';
export * from './person-registry.activities';
export * from './statistics.activities';
export * from './notifications';
