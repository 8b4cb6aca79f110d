#!/usr/bin/env bash
# B2: ./build.sh --help, warm (library built, Cake's script cache filled), against Cake starting and printing its
# version: the floor any Cake-hosted help can reach. The ratio is the cost of the pipeline's own work.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
./build.sh --help >/dev/null   # warm: builds the library and fills the script cache once
bench_pair "B2 ./build.sh --help (A) vs dotnet cake --version (B), warm" "${PAIRS:-10}" \
  true "./build.sh --help" \
  true "dotnet cake --version"
