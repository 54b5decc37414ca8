import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { InitialSchema1764400000000 } from './migrations/1764400000000-InitialSchema';
import { CaseLifeCycle1764500000000 } from './migrations/1764500000000-CaseLifeCycle';
import { Extradition1764600000000 } from './migrations/1764600000000-Extradition';
import { Monitoring1764700000000 } from './migrations/1764700000000-Monitoring';
import { CaseFigures1764800000000 } from './migrations/1764800000000-CaseFigures';
import { StatisticsPreAggregates1764900000000 } from './migrations/1764900000000-StatisticsPreAggregates';
import { Reliability1765000000000 } from './migrations/1765000000000-Reliability';
import { UserDisabling1765050000000 } from './migrations/1765050000000-UserDisabling';
import { AuditTrust1765100000000 } from './migrations/1765100000000-AuditTrust';
import { AccessLog1765200000000 } from './migrations/1765200000000-AccessLog';
import { NetworkContacts1765300000000 } from './migrations/1765300000000-NetworkContacts';
import { StateCalendars1765400000000 } from './migrations/1765400000000-StateCalendars';
import { DirectoryAdministration1765260000000 } from './migrations/1765260000000-DirectoryAdministration';
import { Documents1765700000000 } from './migrations/1765700000000-Documents';
import { CaseAssignments1765800000000 } from './migrations/1765800000000-CaseAssignments';
import { RunningClocksDue1765650000000 } from './migrations/1765650000000-RunningClocksDue';
import { ReferenceDataNotifications1765600000000 } from './migrations/1765600000000-ReferenceDataNotifications';
import { LiaisonEventsIndex1765660000000 } from './migrations/1765660000000-LiaisonEventsIndex';
import { NotificationDelivery1765850000000 } from './migrations/1765850000000-NotificationDelivery';

export const MIGRATIONS = [
  InitialSchema1764400000000,
  CaseLifeCycle1764500000000,
  Extradition1764600000000,
  Monitoring1764700000000,
  CaseFigures1764800000000,
  StatisticsPreAggregates1764900000000,
  Reliability1765000000000,
  UserDisabling1765050000000,
  AuditTrust1765100000000,
  AccessLog1765200000000,
  NetworkContacts1765300000000,
  StateCalendars1765400000000,
  DirectoryAdministration1765260000000,
  Documents1765700000000,
  CaseAssignments1765800000000,
  RunningClocksDue1765650000000,
  ReferenceDataNotifications1765600000000,
  LiaisonEventsIndex1765660000000,
  NotificationDelivery1765850000000,
];

/**
 * The options shared by the application, the worker and the migration CLI. No entities: the schema
 * comes from the migrations alone and every read and write is SQL (case-queries, monitoring, activities).
 */
export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    // A missing value in a where clause is a bug, never "match everything".
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
    extra: { max: 10 },
    ...extra,
  } as DataSourceOptions;
}

export function createDataSource(url: string, extra: Partial<DataSourceOptions> = {}): DataSource {
  return new DataSource(dataSourceOptions(url, extra));
}
