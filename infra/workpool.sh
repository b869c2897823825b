#!/usr/bin/env bash
# Sets up the `nianbao` process work pool on the shared Prefect server and registers the deployments,
# or (with `worker`) starts a worker on this machine. Run `setup` from any machine (again after changing
# infra/prefect.yaml), `worker` on every machine that should run harvests, before or after the setup.
# The deployments keep NIANBAO_ARCHIVE, NIANBAO_REGISTRY and NIANBAO_HOME as they are at setup, so each
# worker machine needs this repository at $NIANBAO_HOME with its .venv (bash infra/bootstrap), the
# registry at that path, PREFECT_API_URL, and the AWS variables of the shared archive. docs/deploy.md
# has the steps; tests/flows/test_workers.py runs them.
#
#   PREFECT_API_URL=http://prefect.internal:4200/api NIANBAO_ARCHIVE=s3://nianbao/archive \
#   NIANBAO_REGISTRY=/srv/nianbao/registry.yaml NIANBAO_HOME=/srv/nianbao/repo bash infra/workpool.sh setup
#   PREFECT_API_URL=http://prefect.internal:4200/api bash infra/workpool.sh worker
set -euo pipefail
cd "$(dirname "$0")/.."
POOL=${NIANBAO_POOL:-nianbao}
PREFECT=${PREFECT:-.venv/bin/prefect}
: "${PREFECT_API_URL:?set PREFECT_API_URL to the shared Prefect server, e.g. http://prefect.internal:4200/api}"

case "${1:-}" in
  setup)
    : "${NIANBAO_ARCHIVE:?set NIANBAO_ARCHIVE to the shared archive, e.g. s3://nianbao}"
    : "${NIANBAO_REGISTRY:?set NIANBAO_REGISTRY to the registry path every worker can read}"
    export NIANBAO_HOME=${NIANBAO_HOME:-$(pwd)}
    # Create, or bring back to what this script defines (workers started first may have created it).
    "$PREFECT" work-pool create "$POOL" --type process --overwrite
    # Polite crawling is global, not per worker: at most this many flow runs at once across machines.
    "$PREFECT" work-pool set-concurrency-limit "$POOL" "${NIANBAO_POOL_LIMIT:-4}"
    "$PREFECT" --no-prompt deploy --all --prefect-file infra/prefect.yaml
    ;;
  worker)
    exec "$PREFECT" worker start --pool "$POOL" --type process --limit "${NIANBAO_WORKER_LIMIT:-2}"
    ;;
  *)
    echo "usage: $0 setup|worker" >&2
    exit 2
    ;;
esac
