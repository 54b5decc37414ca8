#!/bin/sh
# One-shot job (temporalio/admin-tools): brings Temporal's two databases, created by
# deploy/postgres/init-roles.sh, to the schema of the server version. Safe to run at every start:
# setup-schema -v 0.0 and update-schema only apply what is missing.
set -eu
for db in "$TEMPORAL_DBNAME:temporal" "$TEMPORAL_VISIBILITY_DBNAME:visibility"; do
  name=${db%%:*}
  dir=/etc/temporal/schema/postgresql/v12/${db##*:}/versioned
  temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal --pw "$TEMPORAL_DB_PASSWORD" --db "$name" setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal --pw "$TEMPORAL_DB_PASSWORD" --db "$name" update-schema -d "$dir"
done
