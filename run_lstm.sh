#!/usr/bin/env bash
# The main job: make .venv if needed, run the experiments of a profile with the live site, serve it.
#   ./run_lstm.sh                  quick profile; http://127.0.0.1:8000 shows it live, until Ctrl+C
#   ./run_lstm.sh --no-serve       no server: stop after building the site
#   ./run_lstm.sh --profile smoke  another profile (smoke | quick | paper)
set -euo pipefail
cd "$(dirname "$0")"
profile=quick
serve=1
port=8000
while [ $# -gt 0 ]; do
    case "$1" in
        --no-serve) serve=0 ;;
        --profile) profile="${2:?--profile needs a name}"; shift ;;
        --port) port="${2:?--port needs a number}"; shift ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) echo "run_lstm.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
source scripts/bootstrap.sh
bootstrap_venv requirements.txt
echo "Results go to runs/<experiment>/ (metrics.json, GIFs, plots); the site to site/index.html"
if [ "$serve" = 1 ]; then
    exec .venv/bin/frameforecast run --profile "$profile" --serve --port "$port"
fi
exec .venv/bin/frameforecast run --profile "$profile"
