#!/usr/bin/env bash
# Installs every Debian 12 package that wiretrail's build, demo, tests and bench need.
# Idempotent: prints nothing and touches nothing when all packages are already present.
set -euo pipefail

PKGS=(
  build-essential pkg-config meson ninja-build python3-pyelftools
  dpdk dpdk-dev libdpdk-dev libpcap-dev
  libhyperscan-dev librdkafka-dev libjemalloc-dev libcunit1-dev libyaml-dev libssl-dev
  libnghttp2-dev libhttp-parser-dev
  kcat tshark tcpdump nginx-light curl iproute2 procps jq python3
  clang libclang-rt-14-dev gnuplot-nox valgrind
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}" >&2
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
