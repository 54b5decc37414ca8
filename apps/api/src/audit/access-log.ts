import type { DataSource } from 'typeorm';
import type { Actor } from '../../../../libs/domain/src';
import { AccessLogStore, accessReaderOf, type AccessView } from '../../../../libs/persistence/src/access-log';

/**
 * Leaves the trace of a read of personal data before the data leaves the API: who (user, roles,
 * authority, State), which cases, which view, when. A read whose trace cannot be written fails.
 */
export class AccessLog {
  private readonly store: AccessLogStore;

  constructor(db: DataSource) {
    this.store = new AccessLogStore(db);
  }

  record(actor: Actor, view: AccessView, caseIds: readonly string[]): Promise<void> {
    return this.store.record(accessReaderOf(actor), view, caseIds);
  }
}
