import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE states (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
        name text NOT NULL,
        time_zone text NOT NULL,
        languages text[] NOT NULL,
        groups text[] NOT NULL DEFAULT '{}'
      );
      CREATE TABLE authorities (
        id text PRIMARY KEY,
        state_code text NOT NULL REFERENCES states(code),
        name text NOT NULL,
        kind text NOT NULL
      );
      CREATE INDEX authorities_state_idx ON authorities (state_code);
      CREATE TABLE users (
        id text PRIMARY KEY,
        subject text NOT NULL UNIQUE,
        display_name text NOT NULL,
        state_code text NOT NULL REFERENCES states(code),
        authority_id text NOT NULL REFERENCES authorities(id),
        roles text[] NOT NULL CHECK (cardinality(roles) > 0)
      );
      CREATE TABLE focal_points (
        id text PRIMARY KEY,
        state_code text NOT NULL REFERENCES states(code),
        authority_id text NOT NULL REFERENCES authorities(id),
        kind text NOT NULL,
        user_id text REFERENCES users(id)
      );
      CREATE TABLE liaison_postings (
        id text PRIMARY KEY,
        home_state text NOT NULL REFERENCES states(code),
        host_state text NOT NULL REFERENCES states(code),
        valid_from date NOT NULL,
        valid_to date,
        user_id text REFERENCES users(id),
        city text
      );
      CREATE TABLE instruments (
        id text PRIMARY KEY,
        name text NOT NULL,
        covers text[] NOT NULL
      );
      CREATE TABLE instrument_parties (
        instrument_id text NOT NULL REFERENCES instruments(id),
        state_code text NOT NULL REFERENCES states(code),
        party_from date NOT NULL,
        party_to date,
        PRIMARY KEY (instrument_id, state_code)
      );
      CREATE TABLE rule_packs (
        instrument_id text NOT NULL REFERENCES instruments(id),
        version int NOT NULL CHECK (version > 0),
        effective_from date NOT NULL,
        verified boolean NOT NULL,
        rules jsonb NOT NULL,
        PRIMARY KEY (instrument_id, version)
      );

      CREATE TABLE cases (
        id uuid PRIMARY KEY,
        kind text NOT NULL,
        workflow_id text NOT NULL UNIQUE,
        state text NOT NULL,
        version int NOT NULL,
        requesting_state text NOT NULL REFERENCES states(code),
        requesting_authority_id text NOT NULL REFERENCES authorities(id),
        requested_state text NOT NULL REFERENCES states(code),
        legal_basis text NOT NULL,
        rule_pack_version int NOT NULL,
        created_by text NOT NULL REFERENCES users(id),
        assistance_types text[] NOT NULL,
        subject_of_proceedings text,
        facts_summary text,
        purpose text,
        persons jsonb NOT NULL DEFAULT '[]',
        language text NOT NULL,
        urgency text NOT NULL,
        requested_by_date date,
        deadline_reason text,
        transmitted boolean NOT NULL DEFAULT false,
        executing_authority_ids text[] NOT NULL DEFAULT '{}',
        escalated_to_focal_points_of text[] NOT NULL DEFAULT '{}',
        flags text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        FOREIGN KEY (legal_basis, rule_pack_version) REFERENCES rule_packs(instrument_id, version)
      );
      -- Keyset pagination of the case lists runs on (created_at, id), scoped by either party State.
      CREATE INDEX cases_requesting_keyset_idx ON cases (requesting_state, created_at DESC, id DESC);
      CREATE INDEX cases_requested_keyset_idx ON cases (requested_state, created_at DESC, id DESC);
      CREATE INDEX cases_keyset_idx ON cases (created_at DESC, id DESC);

      CREATE TABLE case_events (
        id bigserial PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES cases(id),
        seq int NOT NULL,
        event text NOT NULL,
        from_state text,
        to_state text NOT NULL,
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        actor_state text NOT NULL,
        actor_authority_id text NOT NULL,
        at timestamptz NOT NULL,
        legal_ref text,
        comment text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (case_id, seq)
      );

      CREATE FUNCTION case_events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_events is an append-only audit trail: % refused', TG_OP;
      END $$;
      CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
        FOR EACH ROW EXECUTE FUNCTION case_events_are_immutable();
      CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
        FOR EACH STATEMENT EXECUTE FUNCTION case_events_are_immutable();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE case_events; DROP FUNCTION case_events_are_immutable(); DROP TABLE cases;
      DROP TABLE rule_packs; DROP TABLE instrument_parties; DROP TABLE instruments; DROP TABLE liaison_postings;
      DROP TABLE focal_points; DROP TABLE users; DROP TABLE authorities; DROP TABLE states;
    `);
  }
}
