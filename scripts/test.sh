#!/usr/bin/env bash
# The test command: make .venv (with dev dependencies), install Chromium for the browser tests, lint, run pytest.
#   ./scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "[setup] installing Debian chromium + chromium-driver for the browser tests"
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
fi
source scripts/bootstrap.sh
bootstrap_venv requirements.txt requirements-dev.txt
echo "[lint] ruff check and ruff format --check (pyproject.toml [tool.ruff])"
.venv/bin/ruff check --no-cache src scripts tests
.venv/bin/ruff format --check --no-cache src scripts tests
# two workers (pytest-xdist): much of a test's time is single-threaded (process start, imports, graph tracing)
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
