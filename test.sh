#!/usr/bin/env bash
# Runs the whole test suite: unit tests, then integration tests against a private PostgreSQL the tests start.
set -euo pipefail
cd "$(dirname "$0")"

# The clusters of test runs that are over (this one included, once it ends): a test host that is ended before its
# exit handlers finish leaves its PostgreSQL running and its folder (a few GB for a full run) behind.
remove_finished_test_clusters() {
  local root="${TMPDIR:-/tmp}"
  root="${root%/}/chatops-tests"
  [ -d "$root" ] || return 0
  local folder pid server
  for folder in "$root"/*/; do
    [ -d "$folder" ] || continue
    pid=$(basename "$folder")
    pid=${pid%%-*}
    if [[ "$pid" =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2>/dev/null; then
      if [ -f "$folder/data/postmaster.pid" ]; then
        server=$(head -n 1 "$folder/data/postmaster.pid")
        kill -QUIT "$server" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
      fi
      rm -rf "$folder"
    fi
  done
}
trap remove_finished_test_clusters EXIT

dotnet test ChatOpsApprover.sln "$@"
