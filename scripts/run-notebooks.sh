#!/usr/bin/env bash
# Executes every notebook in notebooks/ headlessly, failing on the first cell
# that raises: CI runs this so a notebook that no longer reads flowsim's
# outputs fails the build. It
#   1. makes a virtual environment in notebooks/.venv with the pinned
#      notebooks/requirements.txt (installing Debian's python3-venv first when
#      the venv module is missing and this runs as root, as
#      scripts/install-test-deps.sh does for chromium);
#   2. writes the output folders the notebooks read, with short scenarios, into
#      output/notebooks/ (the release build of flowsim);
#   3. executes each notebook with nbconvert, pointing it at those folders via
#      the environment variables its `parameters` cell reads. The executed
#      copies go to output/notebooks/executed/; the committed notebooks stay
#      without outputs.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=notebooks/.venv
out=output/notebooks

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    else
        echo "run-notebooks: python3 has no venv module; install python3-venv" >&2
        exit 1
    fi
fi
# A venv whose requirements changed is rebuilt: the stamp holds the file it was built from.
if ! cmp -s notebooks/requirements.txt "$venv/requirements.txt" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r notebooks/requirements.txt
    "$venv/bin/python" -m ipykernel install --prefix "$venv" --name python3 >/dev/null
    cp notebooks/requirements.txt "$venv/requirements.txt"
fi

cargo build --release --quiet
flowsim=target/release/flowsim
rm -rf "$out"
"$flowsim" run -q --out "$out" scenarios/flash-sale.toml \
    scenarios/lambda-sqs-db.toml scenarios/lambda-sqs-db-capped.toml
"$flowsim" sweep -q --reps 2 --out "$out" scenarios/sweep-offered-load.toml >/dev/null

export FLOWSIM_RUN="$out/flash-sale"
export FLOWSIM_SWEEP="$out/sweep-offered-load-sweep"
export FLOWSIM_A="$out/lambda-sqs-db"
export FLOWSIM_B="$out/lambda-sqs-db-capped"
export MPLBACKEND=Agg
# The notebooks' own kernel, not whatever `python3` kernel the machine has.
export JUPYTER_PATH="$PWD/$venv/share/jupyter"

failed=0
for nb in notebooks/*.ipynb; do
    if "$venv/bin/jupyter" nbconvert --to notebook --execute \
        --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.kernel_name=python3 \
        --output-dir "$out/executed" "$nb" >/dev/null 2>"$out/$(basename "$nb" .ipynb).log"; then
        echo "notebook ok: $nb"
    else
        echo "notebook FAILED: $nb" >&2
        cat "$out/$(basename "$nb" .ipynb).log" >&2
        failed=1
    fi
done
exit "$failed"
