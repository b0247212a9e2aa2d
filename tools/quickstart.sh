#!/usr/bin/env bash
# The README's two commands:
#   bash tools/quickstart.sh run    set up, build (Release) and run the main job
#   bash tools/quickstart.sh test   set up, build (Release) and run the whole test suite
# Set-up installs the Debian packages zabsim needs when run as root; otherwise it prints the
# exact apt-get line to run and stops with exit code 1.
set -euo pipefail

cd "$(dirname "$0")/.."

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
cmake --build --preset release -j "$jobs"

case "${1:-}" in
  run)
    ./build/release/tools/zabsim run scenarios/demo.json
    ;;
  test)
    ctest --preset release -j "$jobs"
    ;;
  *)
    echo "usage: bash tools/quickstart.sh run|test" >&2
    exit 2
    ;;
esac
