export * from './roles';
export * from './policy';
export * from './rule-violation';
export * from './mla/mla-states';
export * from './mla/mla-commands';
