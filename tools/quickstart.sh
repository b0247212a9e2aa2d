#!/usr/bin/env bash
# The README's two commands:
#   bash tools/quickstart.sh run    set up, build the `zabsim` command (Release), run the demo
#   bash tools/quickstart.sh test   set up, build everything (Release), run the whole test suite
# Both then put `zabsim` on PATH as the README writes it: a symlink in /usr/local/bin as root,
# or in $ZABSIM_LINK_DIR if set (e.g. ~/.local/bin); otherwise the `export PATH=...` line to
# run is printed.
# Set-up installs the Debian packages zabsim needs when run as root; otherwise it prints the
# exact apt-get line to run and stops with exit code 1.
set -euo pipefail

cd "$(dirname "$0")/.."

case "${1:-}" in
  run|test) ;;
  *)
    echo "usage: bash tools/quickstart.sh run|test" >&2
    exit 2
    ;;
esac

packages=(cmake g++ ninja-build libboost-program-options-dev nlohmann-json3-dev libfmt-dev doctest-dev)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "quickstart: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "quickstart: missing packages; run this, then try again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release >/dev/null

# The README writes `zabsim ...`: put the built binary on PATH. As root, a symlink in
# /usr/local/bin (what `cmake --install build/release` would copy there); otherwise print the
# line that does it for this shell.
offer_path() {
  local binary
  binary="$(pwd)/build/release/tools/zabsim"
  if command -v zabsim >/dev/null 2>&1 && [ "$(readlink -f "$(command -v zabsim)")" = "$(readlink -f "$binary")" ]; then
    return
  fi
  local dir="${ZABSIM_LINK_DIR:-/usr/local/bin}"
  if { [ "$(id -u)" -eq 0 ] || [ -n "${ZABSIM_LINK_DIR:-}" ]; } && { [ ! -e "$dir/zabsim" ] || [ -L "$dir/zabsim" ]; }; then
    mkdir -p "$dir"
    ln -sf "$binary" "$dir/zabsim"
    echo "quickstart: linked $dir/zabsim -> $binary (the README's commands type \`zabsim\`)"
    return
  fi
  echo "quickstart: to type \`zabsim\` as the README does, run:  export PATH=\"$(dirname "$binary"):\$PATH\""
}

case "${1:-}" in
  run)
    # Only what the demo needs: the `zabsim` target (the tests are built by `test`).
    cmake --build --preset release -j "$jobs" --target zabsim
    offer_path
    ./build/release/tools/zabsim run scenarios/demo.json
    ;;
  test)
    cmake --build --preset release -j "$jobs"
    offer_path
    ctest --preset release -j "$jobs"
    ;;
esac
