#!/usr/bin/env bash
# Builds the Teams app package (manifest.json and the two icons, zipped flat) to upload in Teams or the admin centre.
#   manifests/teams/build.sh <bot-app-id> [public-host]
# <bot-app-id> is the Microsoft App ID of the bot (Teams:AppId); [public-host] replaces jit.example.com.
set -euo pipefail
cd "$(dirname "$0")"

app_id="${1:-}"
host="${2:-jit.example.com}"
if ! [[ "$app_id" =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]]; then
  echo "usage: $0 <bot-app-id (a GUID)> [public-host]" >&2
  exit 2
fi
if ! [[ "$host" =~ ^[A-Za-z0-9.-]+$ ]]; then
  echo "the public host must be a bare host name such as jit.example.com" >&2
  exit 2
fi

rm -rf build
mkdir -p build/package
sed -e "s/00000000-0000-0000-0000-000000000000/$app_id/g" -e "s/jit\.example\.com/$host/g" manifest.json > build/package/manifest.json
cp color.png outline.png build/package/
rm -f build/chatopsapprover-teams.zip
if command -v zip >/dev/null 2>&1; then
  (cd build/package && zip -q -X ../chatopsapprover-teams.zip manifest.json color.png outline.png)
else
  python3 - build/package build/chatopsapprover-teams.zip <<'PY'
import sys, zipfile, os
folder, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for name in ("manifest.json", "color.png", "outline.png"):
        z.write(os.path.join(folder, name), name)
PY
fi
echo "$(pwd)/build/chatopsapprover-teams.zip"
