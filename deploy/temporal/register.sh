#!/bin/sh
# One-shot job (temporalio/admin-tools), once the server answers: the engine's namespace and the search
# attributes operators filter cases by (libs/contracts/src/search-attributes.contract.ts; codes only,
# never personal data). Safe to run at every start.
set -eu
export TEMPORAL_ADDRESS=temporal:7233
until temporal operator cluster health >/dev/null 2>&1; do sleep 1; done
temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$TEMPORAL_RETENTION"
for attribute in MlaCaseKind=Keyword MlaStatePair=Keyword MlaCaseState=Keyword MlaEscalationLevel=Int; do
  temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "${attribute%%=*}" --type "${attribute##*=}" ||
    temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" | grep -q "${attribute%%=*}"
done
