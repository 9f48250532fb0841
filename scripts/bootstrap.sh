# Sourced by run_lstm.sh and scripts/test.sh: make or refresh .venv only when the requirements change.
# Usage: bootstrap_venv requirements.txt [requirements-dev.txt ...]
bootstrap_venv() {
    local root venv stamp wanted
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    venv="$root/.venv"
    stamp="$venv/.stamp-$(echo "$*" | tr " /" "__")"
    wanted="$(cd "$root" && cat "$@" pyproject.toml | sha256sum | cut -d' ' -f1)"
    if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        echo "[setup] .venv is up to date (requirements unchanged)"
        return 0
    fi
    echo "[setup] creating/refreshing .venv from $* (a few minutes the first time)"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || return 1
    local args=()
    for req in "$@"; do args+=(-r "$root/$req"); done
    "$venv/bin/python" -m pip install -qq --upgrade pip || return 1
    "$venv/bin/python" -m pip install -qq "${args[@]}" || return 1
    "$venv/bin/python" -m pip install -qq --no-deps -e "$root" || return 1
    echo "$wanted" > "$stamp"
}
