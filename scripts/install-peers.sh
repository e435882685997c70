#!/usr/bin/env bash
# Test peers from npm, installed into .peers/ (ignored by git):
#   axe-core   — accessibility checks injected into pages in the browser tests
# Chromium itself comes from Debian (`apt-get install -y chromium`, done by .ci/run);
# without it the browser tests skip with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: browser accessibility tests will skip" >&2
  exit 0
fi
want="axe-core@4"
if [ ! -f .peers/node_modules/axe-core/axe.min.js ]; then
  npm install --silent --no-audit --no-fund --prefix .peers $want >/dev/null
fi
# prism      — mock of Twilio's own OpenAPI spec for the SMS tests
if [ ! -x .peers/node_modules/.bin/prism ]; then
  npm install --silent --no-audit --no-fund --prefix .peers @stoplight/prism-cli@5 >/dev/null
fi
