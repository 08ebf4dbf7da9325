#!/usr/bin/env bash
# Install LibreOffice Writer (headless, Debian package) so the tests can render .docx to PDF.
set -euo pipefail
if ! command -v soffice >/dev/null 2>&1; then
  echo "Cài đặt LibreOffice Writer (gói Debian)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui fonts-liberation >/dev/null
fi
