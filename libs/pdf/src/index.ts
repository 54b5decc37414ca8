export * from './letter-templates';
export * from './request-letter';
export * from './pdf-document';
export * from './render-request-letter';
export * from './custody-report';
export * from './fonts';
