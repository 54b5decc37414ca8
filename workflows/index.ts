// The worker's workflow bundle is built from this file: export every workflow, import nothing with side effects.
export { mlaCaseWorkflow } from './mla-case/mla-case.workflow';
export { extraditionWorkflow } from './extradition/extradition.workflow';
export { domesticProsecutionWorkflow } from './domestic-prosecution/domestic-prosecution.workflow';
export { personRegistryWorkflow } from './person-registry/person-registry.workflow';
export { statisticsRefreshWorkflow } from './statistics/statistics-refresh.workflow';
export { notificationDeliveryWorkflow, notificationDispatchWorkflow, notificationDigestWorkflow } from './notifications/notification-delivery.workflow';
