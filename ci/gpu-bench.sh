#!/usr/bin/env bash
# jdnn vs PyTorch on one GPU in one device session: jdnn's train-throughput rows (from the GPU bundle), PyTorch's
# compare.py on the same rows, then benchmarks/pytorch/side_by_side.py joins them into one Markdown table with the
# ratio jdnn/PyTorch and the targets. Run from the repository root on the GPU machine:
#   ci/gpu-bench.sh [--quick] [--rows ROW,ROW...] [--graphs on|off|both] [--fusion off|auto|both]
#                   [--precision tf32,bf16] [--layout nchw,nhwc|both|auto] [--configs tf32,tf32-cl,bf16,bf16-cl]
#     --graphs both: jdnn rows with and without CUDA graphs; --fusion both: without and with fused ops (cuDNN graphs,
#     off by default until verified); --precision / --layout: jdnn's configurations (default tf32, auto = nhwc on tensor
#     cores); --configs: the PyTorch configurations (precision and memory format, see benchmarks/pytorch/compare.py;
#     default: TF32 and bf16 autocast, each NCHW and channels_last)
#   BENCH_SETS=train-throughput,ops-gpu,gemm,downcall ci/gpu-bench.sh   # also the JMH sets (ops-gpu: ~15 min)
# Needs: the bundle made by ci/gpu-bundle.sh (build/gpu-bundle/jdnn-gpu, or build/gpu-carry/jdnn-gpu.tar.xz as a device
# call carries it, or $JDNN_BUNDLE: an unpacked jdnn-gpu directory; ci/gpu-check.sh passes its own); a python with torch and
# torchvision ($PYTHON, else the first python3 found that imports torch). Results go to $OUT when it is set, else
# benchmarks/results/<date>-gpu/: jdnn/ (results.md/json, jdnn-throughput.json), pytorch.json, side_by_side.md.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bundle="${JDNN_BUNDLE:-$root/build/gpu-bundle/jdnn-gpu}"
out="${OUT:-$root/benchmarks/results/$(date -u +%F)-gpu}"
sets="${BENCH_SETS:-train-throughput}"
quick="" rows="" graphs="" fusion="" configs="" precision="" layout=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick="--quick" ;;
    --rows) rows="$2"; shift ;;
    --graphs) graphs="$2"; shift ;;
    --fusion) fusion="$2"; shift ;;
    --configs) configs="$2"; shift ;;
    --precision) precision="$2"; shift ;;
    --layout) layout="$2"; shift ;;
    *) echo "gpu-bench: unknown argument '$1' (valid: --quick, --rows ROW,ROW..., --graphs on|off|both, --fusion off|auto|both, --precision P,P..., --layout L,L..., --configs C,C...)" >&2; exit 2 ;;
  esac
  shift
done
# A device call carries only build/gpu-carry/jdnn-gpu.tar.xz (the directory is larger): unpack it into build/gpu-bundle.
if [ ! -x "$bundle/runtime/bin/java" ] && [ -z "${JDNN_BUNDLE:-}" ] && [ -f "$root/build/gpu-carry/jdnn-gpu.tar.xz" ]; then
  mkdir -p "$root/build/gpu-bundle" && tar -C "$root/build/gpu-bundle" -xJf "$root/build/gpu-carry/jdnn-gpu.tar.xz"
fi
[ -x "$bundle/runtime/bin/java" ] || { echo "gpu-bench: no bundle at $bundle: run ci/gpu-bundle.sh first (or set JDNN_BUNDLE)" >&2; exit 2; }
mkdir -p "$out"

# The NVIDIA libraries are found by jdnn itself (NativeLibraries: CUDA installs, system directories, pip wheels of the
# python installs and venvs, the newest cuDNN); JDNN_CUDA_PATH, when set, overrides that search.

find_python() {
  local candidates=("${PYTHON:-}" python3 "${VIRTUAL_ENV:-/nonexistent}/bin/python3")
  for p in /opt/*/bin/python3 /opt/*/*/bin/python3 "$HOME"/*/bin/python3 "$HOME"/*/.venv/bin/python3; do candidates+=("$p"); done
  for p in "${candidates[@]}"; do
    [ -n "$p" ] && command -v "$p" >/dev/null 2>&1 && "$p" -c 'import torch, torchvision' 2>/dev/null && { echo "$p"; return; }
  done
}
py="$(find_python)"

status=0
class_path="$(ls "$bundle"/jars/*.jar "$bundle"/lib/*.jar | grep -v -- '-tests\.jar$' | paste -sd: -)"
echo "gpu-bench: jdnn ($sets)"
"$bundle/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx${JDNN_BENCH_XMX:-16g} \
  -cp "$class_path" dev.jdnn.benchmarks.BenchRunner --set "$sets" --device cuda --out "$out/jdnn" $quick ${rows:+--rows "$rows"} ${graphs:+--graphs "$graphs"} ${fusion:+--fusion "$fusion"} \
  ${precision:+--precision "$precision"} ${layout:+--layout "$layout"} \
  2>&1 | tee "$out/jdnn.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

if [[ ",$sets," == *",train-throughput,"* ]]; then
  if [ -z "$py" ]; then
    echo "gpu-bench: no python with torch and torchvision found (set PYTHON): PyTorch side skipped" >&2
    status=1
  else
    # compare.py runs its own rows only (jdnn's CPU smoke rows have no PyTorch counterpart)
    torch_rows="${rows:-}"
    iters=(); [ -n "$quick" ] && iters=(--warmup 2 --iters 5)
    echo "gpu-bench: PyTorch ($py)"
    "$py" benchmarks/pytorch/compare.py --json "$out/pytorch.json" ${torch_rows:+--rows "$torch_rows"} ${configs:+--configs "$configs"} "${iters[@]}" 2>&1 | tee "$out/pytorch.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    if [ -f "$out/jdnn/jdnn-throughput.json" ] && [ -f "$out/pytorch.json" ]; then
      "$py" benchmarks/pytorch/side_by_side.py --jdnn "$out/jdnn/jdnn-throughput.json" --pytorch "$out/pytorch.json" --out "$out/side_by_side.md" || status=1
    fi
  fi
fi
echo "gpu-bench: done, results in $out (exit $status)"
exit "$status"
