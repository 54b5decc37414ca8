export * from './webhook-signature';
export * from './mail-templates';
export * from './notification.activities';
