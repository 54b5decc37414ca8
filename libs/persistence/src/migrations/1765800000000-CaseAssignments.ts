import { MigrationInterface, QueryRunner } from 'typeorm';
import { ENGINE_ROLE, handOverToOwner } from './1765100000000-AuditTrust';

/**
 * Who within an authority owes a case's step (issue 15): one named officer per case and authority, as the
 * case's last ASSIGN event says (the audit trail keeps every reassignment). Reminders of level 0 go to
 * them, escalations of level 1 to the head of the authority; notification delivery reads the same rows.
 */
export class CaseAssignments1765800000000 implements MigrationInterface {
  name = 'CaseAssignments1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_assignments (
        case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        authority_id text NOT NULL,
        assignee_id text NOT NULL,
        assigned_by text NOT NULL,
        assigned_at timestamptz NOT NULL,
        seq integer NOT NULL,
        PRIMARY KEY (case_id, authority_id)
      )`);
    await q.query(`CREATE INDEX case_assignments_assignee_idx ON case_assignments (assignee_id)`);
    await handOverToOwner(q);
    // Written by the projection only (the case's ASSIGN events), never deleted but with its case.
    await q.query(`REVOKE ALL ON case_assignments FROM ${ENGINE_ROLE}; GRANT SELECT, INSERT, UPDATE ON case_assignments TO ${ENGINE_ROLE};`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_assignments`);
  }
}
