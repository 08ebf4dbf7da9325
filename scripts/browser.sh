#!/usr/bin/env bash
# Install Debian's Chromium for the Playwright browser tests (Playwright's own download is not used).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "Cài đặt Chromium (gói Debian)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
