#!/usr/bin/env bash
# Builds the edge worker (edge/build/worker/shim.mjs + index.wasm) with worker-build --release.
# This is wrangler's `[build] command` (edge/wrangler.toml); it can also be run by hand.
#
#   BATON_PREBUILT=1  skip the build and reuse edge/build/ (fails if there is no build yet).
#   Extra arguments are passed to worker-build (e.g. --dev).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

shim="$BATON_ROOT/edge/build/worker/shim.mjs"
if [[ "${BATON_PREBUILT:-0}" == "1" ]]; then
  if [[ -f "$shim" ]]; then
    echo "build-edge: BATON_PREBUILT=1, reusing $shim"
    exit 0
  fi
  echo "build-edge: BATON_PREBUILT=1 but $shim does not exist; build once without it" >&2
  exit 1
fi

for bin in "$WORKER_BUILD_BIN" "$WASM_BINDGEN_BIN" "$WASM_OPT_BIN" "$ESBUILD_BIN"; do
  if [[ ! -x "$bin" ]]; then
    echo "build-edge: missing $bin; run scripts/setup.sh" >&2
    exit 1
  fi
done

cd "$BATON_ROOT/edge"
echo "build-edge: worker-build --release $*"
exec "$WORKER_BUILD_BIN" --release "$@"
