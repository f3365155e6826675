#!/usr/bin/env bash
# The Slack edge benchmark in one command: installs what it needs (wrk from Debian's packages, Bolt for JavaScript
# from npm into bench/ChatOpsApprover.EdgeBench/bolt/node_modules, which this script owns), then runs the bot, the Bolt
# reference app and wrk on this machine and prints the table. Options go to the benchmark (see --help there):
#   bench/edge.sh [--connections 16] [--duration 10] [--warmup 3] [--people 200] [--postgres "<admin connection string>"] [--scenarios help request click] [--hold-jobs]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v wrk >/dev/null; then
  apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
if ! command -v node >/dev/null; then
  apt-get install -y nodejs npm >/dev/null || { apt-get update >/dev/null && apt-get install -y nodejs npm >/dev/null; }
fi

bolt="$here/ChatOpsApprover.EdgeBench/bolt"
(cd "$bolt" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

exec dotnet run -c Release --project "$here/ChatOpsApprover.EdgeBench" -- --bolt "$bolt" "$@"
