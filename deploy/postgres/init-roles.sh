#!/bin/sh
# Runs once, when the compose PostgreSQL initialises its data folder: the roles and databases of the
# engine and of Temporal (one server, separate databases).
#   mla_owner   owns the schema and its tables; the migrate job connects as it (DATABASE_OWNER_URL)
#   mla_engine  the API and the worker connect as it (DATABASE_URL); the AuditTrust migration grants it
#               INSERT and SELECT only on the audit trail and the access log, so it cannot rewrite them.
#   temporal    owns Temporal's databases `temporal` (persistence) and `temporal_visibility` (visibility);
#               it cannot reach the engine's tables.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE mla_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION PASSWORD '${MLA_OWNER_PASSWORD}';
CREATE ROLE mla_engine LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION PASSWORD '${MLA_ENGINE_PASSWORD}';
ALTER DATABASE "${POSTGRES_DB}" OWNER TO mla_owner;
ALTER SCHEMA public OWNER TO mla_owner;
REVOKE CONNECT ON DATABASE "${POSTGRES_DB}" FROM PUBLIC;
GRANT CONNECT ON DATABASE "${POSTGRES_DB}" TO mla_owner, mla_engine;
CREATE ROLE temporal LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION PASSWORD '${TEMPORAL_DB_PASSWORD}';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
SQL
