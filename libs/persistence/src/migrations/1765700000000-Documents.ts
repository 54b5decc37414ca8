import { MigrationInterface, QueryRunner } from 'typeorm';
import { ENGINE_ROLE, handOverToOwner } from './1765100000000-AuditTrust';

/**
 * Documents of a case (the request letter, annexes, certified translations, receipts, evidence) and their
 * own audit trail.
 * - `documents`: one row per stored version, immutable (a trigger refuses UPDATE and DELETE): a new version
 *   is a new row that `supersedes` the old one, both kept.
 * - `document_chunks`: the bytes when the PostgreSQL store keeps them, in fixed-size chunks so that neither
 *   an upload nor a download ever holds a whole file in memory. Chunks of a registered document cannot be
 *   changed or removed; an upload that failed before its document row existed may remove its own.
 * - `document_events`: append-only, hash-chained per document (prev_hash/hash as `case_events`): storage,
 *   each custody handover of evidence, and every integrity failure found on a read.
 */
export class Documents1765700000000 implements MigrationInterface {
  name = 'Documents1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE documents (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('REQUEST_LETTER', 'ANNEX', 'TRANSLATION', 'TRANSMISSION_RECEIPT', 'EVIDENCE', 'CORRESPONDENCE')),
        language text NOT NULL,
        filename text NOT NULL,
        content_type text NOT NULL,
        bytes bigint NOT NULL CHECK (bytes >= 0),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage text NOT NULL CHECK (storage IN ('postgres', 's3')),
        certified boolean NOT NULL DEFAULT false,
        certified_by text,
        item_id text,
        supersedes uuid REFERENCES documents(id),
        uploaded_by text NOT NULL,
        uploaded_role text NOT NULL,
        uploaded_state text,
        uploaded_authority_id text,
        uploaded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX documents_case_idx ON documents (case_id, uploaded_at);
      CREATE UNIQUE INDEX documents_supersedes_once ON documents (supersedes) WHERE supersedes IS NOT NULL;

      CREATE TABLE document_chunks (
        document_id uuid NOT NULL,
        n integer NOT NULL CHECK (n >= 0),
        data bytea NOT NULL,
        PRIMARY KEY (document_id, n)
      );

      CREATE TABLE document_events (
        id bigserial PRIMARY KEY,
        document_id uuid NOT NULL REFERENCES documents(id),
        case_id uuid NOT NULL,
        seq integer NOT NULL,
        event text NOT NULL CHECK (event IN ('STORED', 'HANDOVER', 'INTEGRITY_FAILURE')),
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        actor_state text,
        actor_authority_id text,
        at timestamptz NOT NULL DEFAULT now(),
        sha256 text NOT NULL,
        data jsonb,
        prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        UNIQUE (document_id, seq)
      );
      CREATE INDEX document_events_case_idx ON document_events (case_id);

      CREATE FUNCTION documents_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
      END $$;
      CREATE TRIGGER documents_no_update BEFORE UPDATE OR DELETE ON documents FOR EACH ROW EXECUTE FUNCTION documents_are_immutable();
      CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents FOR EACH STATEMENT EXECUTE FUNCTION documents_are_immutable();
      CREATE TRIGGER document_events_no_update BEFORE UPDATE OR DELETE ON document_events FOR EACH ROW EXECUTE FUNCTION documents_are_immutable();
      CREATE TRIGGER document_events_no_truncate BEFORE TRUNCATE ON document_events FOR EACH STATEMENT EXECUTE FUNCTION documents_are_immutable();

      CREATE FUNCTION document_chunks_of_registered_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM documents WHERE id = OLD.document_id) THEN
          RAISE EXCEPTION 'the chunks of document % are immutable: % refused', OLD.document_id, TG_OP;
        END IF;
        RETURN OLD;
      END $$;
      CREATE TRIGGER document_chunks_guard BEFORE DELETE ON document_chunks FOR EACH ROW EXECUTE FUNCTION document_chunks_of_registered_are_immutable();
    `);
    await handOverToOwner(q);
    await q.query(`
      REVOKE ALL ON documents, document_chunks, document_events FROM ${ENGINE_ROLE};
      GRANT SELECT, INSERT ON documents, document_events TO ${ENGINE_ROLE};
      GRANT SELECT, INSERT, DELETE ON document_chunks TO ${ENGINE_ROLE};
      GRANT USAGE ON SEQUENCE document_events_id_seq TO ${ENGINE_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE document_events; DROP TABLE document_chunks; DROP TABLE documents;
      DROP FUNCTION documents_are_immutable(); DROP FUNCTION document_chunks_of_registered_are_immutable();
    `);
  }
}
