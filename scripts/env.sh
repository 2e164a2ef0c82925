# shellcheck shell=bash
# Environment for building and running the edge worker offline.
#
#   source scripts/env.sh          (from any directory, any script, bash)
#
# Safe to source: it sets no shell options, never exits, and only exports variables.
# The pinned tool versions live here; scripts/setup.sh installs them.

# wasm-bindgen-cli MUST equal the wasm-bindgen version in Cargo.lock (workspace pins =0.2.130).
BATON_WASM_BINDGEN_VERSION="${BATON_WASM_BINDGEN_VERSION:-0.2.130}"
# worker-build MUST match the `worker` crate's minor version (workspace pins =0.8.7).
BATON_WORKER_BUILD_VERSION="${BATON_WORKER_BUILD_VERSION:-0.8.7}"
# wasm-split-cli (crate wasm_split_cli_support) cuts the dashboard's lazy screens (`#[lazy]`)
# into their own wasm chunks; its section format must match leptos' wasm_split_helpers (0.2.x).
BATON_WASM_SPLIT_VERSION="${BATON_WASM_SPLIT_VERSION:-0.2.4}"

BATON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BATON_TOOLS_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/baton"
BATON_WASM_BINDGEN_ROOT="$BATON_TOOLS_DIR/wasm-bindgen-$BATON_WASM_BINDGEN_VERSION"
BATON_WORKER_BUILD_ROOT="$BATON_TOOLS_DIR/worker-build-$BATON_WORKER_BUILD_VERSION"
BATON_WASM_SPLIT_ROOT="$BATON_TOOLS_DIR/wasm-split-$BATON_WASM_SPLIT_VERSION"
export BATON_ROOT BATON_TOOLS_DIR BATON_WASM_BINDGEN_VERSION BATON_WORKER_BUILD_VERSION
export BATON_WASM_SPLIT_VERSION BATON_WASM_BINDGEN_ROOT BATON_WORKER_BUILD_ROOT BATON_WASM_SPLIT_ROOT

# Tool paths. worker-build reads WASM_BINDGEN_BIN / WASM_OPT_BIN / ESBUILD_BIN and would
# otherwise try to download these from GitHub (which fails here).
export WASM_BINDGEN_BIN="$BATON_WASM_BINDGEN_ROOT/bin/wasm-bindgen"
export WORKER_BUILD_BIN="$BATON_WORKER_BUILD_ROOT/bin/worker-build"
export WASM_SPLIT_BIN="$BATON_WASM_SPLIT_ROOT/bin/wasm-split-cli"
export WASM_OPT_BIN="$BATON_ROOT/node_modules/.bin/wasm-opt"   # npm binaryen (Debian's is too old)
export ESBUILD_BIN="$BATON_ROOT/node_modules/.bin/esbuild"      # npm esbuild (same version wrangler uses)
export WRANGLER_BIN="$BATON_ROOT/node_modules/.bin/wrangler"

# Offline wrangler: no Request.cf fetch, no telemetry, no update check, no prompts.
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_SEND_METRICS=false
export WRANGLER_HIDE_BANNER="${WRANGLER_HIDE_BANNER:-true}"
export NO_UPDATE_NOTIFIER=1

# PATH: our pinned tools first (each added only once, so sourcing twice is harmless).
_baton_path_prepend() {
  case ":$PATH:" in
    *":$1:"*) ;;
    *) PATH="$1:$PATH" ;;
  esac
}
[ -d "$HOME/.cargo/bin" ] && _baton_path_prepend "$HOME/.cargo/bin"
_baton_path_prepend "$BATON_ROOT/node_modules/.bin"
_baton_path_prepend "$BATON_WORKER_BUILD_ROOT/bin"
_baton_path_prepend "$BATON_WASM_BINDGEN_ROOT/bin"
unset -f _baton_path_prepend
export PATH
