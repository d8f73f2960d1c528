#!/usr/bin/env bash
# The first command of README.md: install everything Eddy needs on a fresh Debian/Ubuntu machine and
# start it with its embedded defaults (embedded MQTT broker, 20 simulated devices, a local InfluxDB,
# the dashboard on http://127.0.0.1:3000). Extra arguments go to `eddy start`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! bash scripts/install-services.sh; then
  echo "quickstart: InfluxDB is not installed, so Eddy will run without history (run the line above, then this script again)." >&2
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

exec node bin/eddy.js start "$@"
