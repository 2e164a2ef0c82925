#!/usr/bin/env bash
# Idempotent installer for the build/run toolchain. Run it on a fresh machine (or any time):
#
#   bash scripts/setup.sh        # install what is missing
#   source scripts/setup.sh      # same, and keep the exported environment (scripts/env.sh)
#
# Installs only what is missing: the wasm32 target, rustfmt/clippy, npm packages (npm ci when
# package-lock.json changed), and wasm-bindgen-cli / worker-build / wasm-split-cli into
# ${XDG_CACHE_HOME:-$HOME/.cache}/baton/<tool>-<version>/ (never downloads from GitHub).
# Pinned versions: BATON_WASM_BINDGEN_VERSION / BATON_WORKER_BUILD_VERSION /
# BATON_WASM_SPLIT_VERSION at the top of env.sh.

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# Work in a subshell so that `source scripts/setup.sh` does not change the caller's shell options.
(
  set -euo pipefail
  say() { echo "setup: $*"; }

  # --- Rust: target and components -------------------------------------------------------
  if command -v rustup >/dev/null 2>&1; then
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
      say "rust target wasm32-unknown-unknown: present"
    else
      say "rust target wasm32-unknown-unknown: installing"
      rustup target add wasm32-unknown-unknown
    fi
    installed_components="$(rustup component list --installed)"
    for comp in rustfmt clippy; do
      if grep -q "^$comp" <<<"$installed_components"; then
        say "rust component $comp: present"
      else
        say "rust component $comp: installing"
        rustup component add "$comp"
      fi
    done
  else
    say "WARNING: rustup not found; make sure the wasm32-unknown-unknown target, rustfmt and clippy exist"
  fi

  # --- npm packages (wrangler, binaryen's wasm-opt, esbuild) -------------------------------
  lock="$BATON_ROOT/package-lock.json"
  stamp="$BATON_ROOT/node_modules/.baton-lock.sha256"
  want="$(cat "$lock" "$BATON_ROOT/package.json" | sha256sum | cut -d' ' -f1) node-$(node --version)"
  if [[ -d "$BATON_ROOT/node_modules" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "node_modules: up to date"
  else
    say "node_modules: npm ci"
    (cd "$BATON_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi

  # --- Browsers for the tests: Debian's packages, never a test tool's own download ---------
  # Chromium (the full browser suites, Playwright), Firefox ESR (puppeteer-core over WebDriver
  # BiDi), WebKitGTK's WebDriver + MiniBrowser (selenium-webdriver) and Xvfb (MiniBrowser needs
  # a display). Each binary is checked; only missing packages are installed.
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
  command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb xauth)
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "browsers: present (chromium, firefox-esr, WebKitWebDriver, xvfb-run)"
  elif command -v apt-get >/dev/null 2>&1; then
    say "browsers: apt-get install ${missing[*]}"
    sudo=""
    [[ "$(id -u)" == "0" ]] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
  else
    say "WARNING: missing ${missing[*]} and no apt-get; install them for the browser tests"
  fi

  # --- cargo-installed tools ---------------------------------------------------------------
  install_tool() { # crate version root binary [extra cargo install args…]
    local crate="$1" version="$2" root="$3" bin="$4"
    shift 4
    if [[ -x "$root/bin/$bin" ]]; then
      say "$crate $version: present ($root/bin/$bin)"
    else
      say "$crate $version: cargo install (takes ~5 min)"
      # Not --locked by default: wasm-bindgen-cli's lockfile pins a webpki-roots that fails to build.
      cargo install "$crate" --version "$version" --root "$root" "$@"
    fi
  }
  install_tool wasm-bindgen-cli "$BATON_WASM_BINDGEN_VERSION" "$BATON_WASM_BINDGEN_ROOT" wasm-bindgen
  install_tool worker-build "$BATON_WORKER_BUILD_VERSION" "$BATON_WORKER_BUILD_ROOT" worker-build
  install_tool wasm_split_cli_support "$BATON_WASM_SPLIT_VERSION" "$BATON_WASM_SPLIT_ROOT" wasm-split-cli \
    --locked --features build-binary

  # --- consistency: the CLI must match the wasm-bindgen crate in Cargo.lock -----------------
  if [[ -f "$BATON_ROOT/Cargo.lock" ]]; then
    locked="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$BATON_ROOT/Cargo.lock")"
    if [[ -n "$locked" && "$locked" != "$BATON_WASM_BINDGEN_VERSION" ]]; then
      say "ERROR: Cargo.lock has wasm-bindgen $locked but the CLI is $BATON_WASM_BINDGEN_VERSION" >&2
      exit 1
    fi
  fi
  say "done"
)
