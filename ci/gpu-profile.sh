#!/usr/bin/env bash
# The per-op GPU profile (issue 13): where jdnn's training step spends its time, node by node — `jdnn bench --profile`
# (benchmarks/README.md) for resnet50 at batch 256 and 128 in TF32, from the GPU bundle, on a machine without Java,
# Maven or network. Each run: the device's GEMM and copy ceilings, the step as normally run (CUDA graphs), then the
# step eagerly with every node call between two CUDA events; a Markdown report and a JSON document per model and batch.
#
# Prepare here (no GPU needed):  ci/gpu-bundle.sh            # -> build/gpu-carry/jdnn-gpu.tar.xz
# Then one device call from the repository root (build/ is git-ignored, so the bundle must be carried):
#     run(command="bash ci/gpu-profile.sh", carry=["build/gpu-carry"], timeout_s=420)
# About 3 minutes: a first resnet50 compile times every convolution algorithm (cudnnFind*) at each batch.
#
#   ci/gpu-profile.sh [--models resnet50,...] [--batches 256,128] [--steps K] [--warmup W] [--top N] [--eval] [--quick]
#     --eval: profile the evaluation forward too; --quick: 1 warm-up step and 2 measured (a smoke run)
# Results go to $OUT when it is set, else benchmarks/results/<date>-gpu/profile/: profile-<model>-b<batch>[-eval].md and
# .json, one log per run, and summary.txt (each run's whole-step line). Exit status 1 when any run failed.
# Environment: JDNN_BUNDLE (an unpacked jdnn-gpu directory; else build/gpu-carry/jdnn-gpu.tar.xz is unpacked into
# $JDNN_PROFILE_WORK, default /tmp/jdnn-profile), JDNN_PROFILE_TIMEOUT_S (per run, default 240),
# JDNN_PROFILE_DEVICE=cpu (checks this script's wiring without a GPU: CPU SMOKE, no GPU result; use a small model).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${OUT:-$root/benchmarks/results/$(date -u +%F)-gpu/profile}"
models="resnet50" batches="256,128" steps=10 warmup=3 top=40 eval=0 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models="$2"; shift ;;
    --batches) batches="$2"; shift ;;
    --steps) steps="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --top) top="$2"; shift ;;
    --eval) eval=1 ;;
    --quick) steps=2; warmup=1; extra=(--quick) ;;
    *) echo "gpu-profile: unknown argument '$1' (valid: --models M,..., --batches B,..., --steps K, --warmup W, --top N, --eval, --quick)" >&2; exit 2 ;;
  esac
  shift
done

# The bundle: $JDNN_BUNDLE, else unpacked from the archive ci/gpu-bundle.sh made and the call carried.
bundle="${JDNN_BUNDLE:-}"
if [ -z "$bundle" ]; then
  work="${JDNN_PROFILE_WORK:-/tmp/jdnn-profile}"
  archive="$root/build/gpu-carry/jdnn-gpu.tar.xz"
  [ -f "$archive" ] || { echo "gpu-profile: $archive not found: run ci/gpu-bundle.sh here and carry build/gpu-carry (or set JDNN_BUNDLE)" >&2; exit 2; }
  rm -rf "$work" && mkdir -p "$work" && tar -C "$work" -xJf "$archive" || { echo "gpu-profile: cannot unpack $archive" >&2; exit 2; }
  bundle="$work/jdnn-gpu"
fi
[ -x "$bundle/runtime/bin/java" ] || { echo "gpu-profile: no Java runtime in the bundle at $bundle" >&2; exit 2; }
# jdnn finds the NVIDIA libraries itself (CUDA installs, system directories, the pip wheels of python installs and
# venvs); JDNN_CUDA_PATH, when set, overrides that search.
mkdir -p "$out"
class_path="$(ls "$bundle"/jars/*.jar "$bundle"/lib/*.jar | grep -v -- '-tests\.jar$' | paste -sd: -)"
echo "gpu-profile: bundle from commit $(cat "$bundle/COMMIT" 2>/dev/null | cut -c1-9), results in $out" | tee "$out/summary.txt"

device="${JDNN_PROFILE_DEVICE:-cuda}"
[ "$device" = cuda ] || echo "gpu-profile: CPU SMOKE on $device: no GPU result" | tee -a "$out/summary.txt"
status=0
phases=(train); [ "$eval" = 1 ] && phases+=(eval)
for model in ${models//,/ }; do
  for batch in ${batches//,/ }; do
    for phase in "${phases[@]}"; do
      flags=(); stem="profile-$model-b$batch"
      [ "$phase" = eval ] && { flags=(--eval); stem="$stem-eval"; }
      echo "gpu-profile: $model batch $batch ($phase)"
      timeout "${JDNN_PROFILE_TIMEOUT_S:-240}" "$bundle/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
        -Xmx${JDNN_BENCH_XMX:-16g} -cp "$class_path" dev.jdnn.benchmarks.BenchRunner --profile --device "$device" --model "$model" --batch "$batch" \
        --steps "$steps" --warmup "$warmup" --top "$top" "${flags[@]}" "${extra[@]}" --out "$out" > "$out/$stem.log" 2>&1
      rc=$?
      if [ "$rc" -eq 0 ] && [ -f "$out/$stem.md" ]; then
        { echo "$stem:"; grep -E '^- (step as normally run|profiled step|node calls|ceilings)' "$out/$stem.md"; } | tee -a "$out/summary.txt"
      else
        status=1
        echo "$stem: FAILED (exit $rc$([ "$rc" -eq 124 ] && echo ': timed out')); last lines of $stem.log:" | tee -a "$out/summary.txt"
        tail -n 15 "$out/$stem.log" | tee -a "$out/summary.txt"
      fi
    done
  done
done
echo "gpu-profile: done (exit $status)" | tee -a "$out/summary.txt"
exit "$status"
