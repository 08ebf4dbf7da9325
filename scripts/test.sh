#!/usr/bin/env bash
# Install the test dependencies and run the whole suite on SQLite, then on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install -q --disable-pip-version-check -e ".[test]"
bash scripts/browser.sh >&2
bash scripts/libreoffice.sh >&2
export PLANCASCADE_REQUIRE_LIBREOFFICE=1  # the document tests render .docx to PDF, never skip

echo "== Kiểm tra mã nguồn (ruff, mypy)"
python3 -m ruff check engine models web tests bench
python3 -m mypy

# two pytest-xdist workers (the machine's cores); PYTEST_WORKERS=0 runs in one process
workers=(-n "${PYTEST_WORKERS:-2}")

echo "== Bộ kiểm thử trên SQLite"
python3 -m pytest "${workers[@]}" tests "$@"

echo "== Bộ kiểm thử trên PostgreSQL"
url=$(bash scripts/postgres.sh start)
trap 'bash scripts/postgres.sh stop' EXIT
TEST_DATABASE_URL="$url" python3 -m pytest "${workers[@]}" tests "$@"
