#!/usr/bin/env bash
# Regenerates the FFM bindings of every NVIDIA library from the argfiles in native-bindings/jextract/.
# Usage: native-bindings/generator/regenerate.sh [OUTPUT_DIR]   (default: native-bindings/src/main/java)
# Needs python3 with libclang (pip install --user libclang) and the CUDA, cuDNN, cuBLAS and NVRTC headers
# (found through CUDA_HOME, /usr/local/cuda*/include and site-packages/nvidia/*/include; add more with JEXTRACT_INCLUDE_DIRS=dir:dir).
# Output is deterministic: the same headers give byte-identical sources.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(dirname "$here")"
out="${1:-$module/src/main/java}"
extra=()
IFS=':' read -ra dirs <<< "${JEXTRACT_INCLUDE_DIRS:-}"
for d in "${dirs[@]}"; do [[ -n "$d" ]] && extra+=(--include-dir "$d"); done
for lib in cudart cuda cudnn cublas nvrtc; do
  rm -rf "$out/dev/jdnn/bindings/$lib"
  python3 "$here/jextract.py" "@$module/jextract/$lib.args" --output "$out" "${extra[@]}"
done
