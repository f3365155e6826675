#!/usr/bin/env bash
# Runs the whole test suite: unit tests, then integration tests against a private PostgreSQL the tests start.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test ChatOpsApprover.sln "$@"
