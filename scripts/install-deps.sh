#!/usr/bin/env bash
# Installs medner's build and test dependencies from Debian's packages (run as root).
set -euo pipefail
packages=(build-essential cmake libeigen3-dev libfmt-dev libcxxopts-dev doctest-dev
          libopenmpi-dev openmpi-bin python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
