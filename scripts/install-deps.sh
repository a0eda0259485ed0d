#!/usr/bin/env bash
# Installs medner's build and test dependencies from Debian's packages (run as root; nothing is
# asked: DEBIAN_FRONTEND=noninteractive, apt-get -y).
set -euo pipefail
# clang-14, libclang-rt-14-dev (libFuzzer, sanitizer runtimes), libomp-14-dev: scripts/fuzz.sh.
# pybind11-dev, python3-pybind11, python3-dev: the Python module (docs/python.md).
# libcpp-httplib-dev (found through pkg-config), nlohmann-json3-dev: medner-serve (docs/serving.md).
# zlib1g-dev: gzip-compressed input of medner-tag (lib/io/gzip_input.h).
packages=(build-essential cmake pkg-config libeigen3-dev libfmt-dev libcxxopts-dev doctest-dev
          libopenmpi-dev openmpi-bin python3 clang-14 libclang-rt-14-dev libomp-14-dev
          pybind11-dev python3-pybind11 python3-dev libcpp-httplib-dev nlohmann-json3-dev
          zlib1g-dev)
missing=()
# nlohmann-json3-dev: the JSON reader of lib/data (Hugging Face datasets and BioC JSON files, label
# lists; docs/file-formats.md section 3).
packages+=(nlohmann-json3-dev)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
