#!/usr/bin/env bash
# The speed check of issues 13 and 14 (channels-last, mixed precision) on a lent GPU, in one device call of at most
# 10 minutes, separate from the correctness check ci/gpu-check.sh, from the same bundle. A compact summary is printed
# last and written to $OUT/summary.txt; the full reports (side-by-side table, profiles, training runs) go to
# $OUT/reports.tar.xz.
#
# Prepare on the development machine (no GPU needed; 2-4 minutes):
#     ci/gpu-bundle.sh            # -> build/gpu-carry/{jdnn-gpu.tar.xz, fashion-mnist.tar.xz}, checks the 64 MiB limit
# Then ONE device call, from the repository root, exactly:
#     run(command="bash ci/gpu-speed.sh", carry=["build/gpu-carry"], timeout_s=600)
#
# What it does, in this order, each step within its share of the budget (a step with too little time left is reported
# as NOT RUN; JDNN_SPEED_BUDGET_S, default 540, is the whole script's time):
#   A. unpack the bundle and the data; `jdnn info` (the GPU, and what --precision tf32 and --layout auto mean on it)
#   B. `jdnn train --device cuda` resnet20 on the full Fashion-MNIST, 15 epochs, in tf32 (the default) and in
#      --precision bf16: best top-1 (target >= 94 % for both) and the time to 93 % and 94 % (about a minute each)
#   C. the side-by-side rows of issues 13 and 14, row by row (ci/gpu-bench.sh --quick; a row cut off by the time
#      limit loses only itself): jdnn's train-throughput rows in tf32 and bf16, each NCHW and NHWC, against PyTorch
#      eager in tf32, tf32 channels_last, bf16 and bf16 channels_last, joined into one side_by_side.md with every
#      target's verdict and both peak memories; then resnet50's step time at batch 128 against 256 (the super-linear
#      growth issue 13 asks about) and its peak memory in each jdnn configuration
#   D. the per-node profile of resnet50 at batch 256 (jdnn bench --profile) in tf32 NCHW, tf32 NHWC and bf16 NHWC
#      (the convolution algorithms C timed are on disk by then): each one's whole-step lines; the tables in the reports
# Environment: JDNN_SPEED_ROWS (the side-by-side rows, default every row issues 13 and 14 set a target for),
# JDNN_SPEED_STEPS (a subset of "train,bench,profile", e.g. "profile" alone for a second call), JDNN_SPEED_BUDGET_S. Needs there: an NVIDIA driver, python3 with torch + torchvision (for
# PyTorch's side). Without a usable GPU the script unpacks, runs `jdnn info` and says NOT RUN for every GPU step;
# JDNN_SPEED_CPU_SMOKE=1 then runs the same commands on the CPU at a tiny size to check this script's own wiring
# (those lines say CPU SMOKE: they are no GPU result).
# Exit status: 0 when every step that ran passed (targets not met are reported, not failures: they are what the
# issues measure), 1 otherwise.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
start=$SECONDS
budget="${JDNN_SPEED_BUDGET_S:-540}"
out="${OUT:-$root/build/gpu-speed-out}"
work="${JDNN_SPEED_WORK:-/tmp/jdnn-speed}"
carry="$root/build/gpu-carry"
steps=",${JDNN_SPEED_STEPS:-train,bench,profile},"
rows="${JDNN_SPEED_ROWS:-resnet50_train_b256,resnet50_train_b128,resnet18_train_b256,mobilenet_v2_train_b256,efficientnet_b0_train_b256,cifar_resnet20_train_b128,resnet50_infer_b1,resnet50_infer_b8}"
source ci/gpu-lib.sh
prepare_work
finish() {
  line "end: $((SECONDS - start)) s of the ${budget} s budget; exit $status; full reports in reports.tar.xz"
  cp "$summary" "$out/summary.txt"
  cp "$reports/bench/side_by_side.md" "$out/side_by_side.md" 2>/dev/null
  find "$work/runs" \( -name '*.ckpt' -o -name '*.safetensors' \) -delete 2>/dev/null
  cp -r "$work/runs" "$reports/runs" 2>/dev/null
  tar -C "$work" -cf - reports | xz -6 -T0 > "$out/reports.tar.xz"
  exit "$status"
}

line "jdnn gpu-speed $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), host $(hostname)"

# ---- A. unpack, info ----
unpack_bundle || finish
run_info
if [ "$have_gpu" = 1 ]; then
  line "A  info        ok: $(grep -m1 '^  GPU ' "$reports/info.txt" | sed 's/^  //')"
  line "               $(grep -m1 '^  precision tf32 = ' "$reports/info.txt" | sed 's/^  //' | cut -c1-200)"
fi
device=cuda smoke=""
if [ "$have_gpu" = 0 ] && [ "${JDNN_SPEED_CPU_SMOKE:-0}" = 1 ]; then device=cpu; smoke="CPU SMOKE, no GPU result: "; fi
ready=$({ [ "$have_gpu" = 1 ] || [ -n "$smoke" ]; } && echo 1 || echo 0)
why_not="needs a GPU (JDNN_SPEED_CPU_SMOKE=1 for a CPU smoke run of this script)"
configs=("tf32 nchw" "tf32 nhwc" "bf16 nhwc")
if [ -n "$smoke" ]; then
  rows="cifar_resnet20_train_b32"; profile_model=(--model resnet20 --batch 8 --steps 1 --warmup 1 --quick); train_size=(--limit 512 --test-limit 500 --epochs 1)
else
  profile_model=(--model resnet50 --batch 256 --steps 5 --warmup 2); train_size=(--limit 0 --epochs 15)
fi

# ---- B. resnet20 on Fashion-MNIST, tf32 and bf16 ----
if [[ "$steps" != *",train,"* ]]; then
  line "B  train       skipped (JDNN_SPEED_STEPS)"
elif [ "$ready" = 0 ] || [ -z "$data" ]; then
  line "B  train       NOT RUN: $([ -z "$data" ] && echo "no fashion-mnist.tar.xz in $carry" || echo "$why_not")"
else
  jdnn=("${java[@]}" -XX:+UseParallelGC -Xss8m -cp "$app_cp" dev.jdnn.cli.Main)
  for precision in tf32 bf16; do
    t=$(cap 110)
    if [ "$t" -lt 45 ]; then line "B  train       NOT RUN ($precision): only ${t}s left"; continue; fi
    run="$work/runs/resnet20-$precision"
    timeout "$t" "${jdnn[@]}" train --model resnet20 --data fashion-mnist --data-dir "$data" "${train_size[@]}" --device "$device" \
      --precision "$precision" --out "$run" > "$reports/train-resnet20-$precision.txt" 2>&1
    rc=$?
    if [ "$rc" = 0 ] && [ -f "$run/metrics.csv" ]; then
      result="$(python3 ci/run_metrics.py "$run/metrics.csv")"
      best="${result##*|}"
      if [ -n "$smoke" ]; then
        line "B  train       ${smoke}$precision: ${result%|*}"
      elif python3 -c "import sys; sys.exit(0 if float('$best') >= 0.94 else 1)"; then
        line "B  train       ok: $precision: ${result%|*}"
      else
        line "B  train       BELOW TARGET (94%): $precision: ${result%|*}"
      fi
      grep -m1 "^precision " "$reports/train-resnet20-$precision.txt" | cut -c1-200 | sed 's/^/               /' | tee -a "$summary"
    else
      fail "B  train       FAIL ($precision, exit $rc, ${t}s allowed): $(grep -v '^WARNING' "$reports/train-resnet20-$precision.txt" | tail -n 2 | tr '\n' ' ' | cut -c1-300)"
    fi
  done
fi

# ---- C. side by side, row by row ----
if [[ "$steps" != *",bench,"* ]]; then
  line "C  bench       skipped (JDNN_SPEED_STEPS)"
elif [ "$ready" = 0 ]; then
  line "C  bench       NOT RUN: $why_not"
else
  mkdir -p "$reports/bench"
  done_rows=() skipped_rows=()
  reserve=0; [[ "$steps" == *",profile,"* ]] && [ -z "$smoke" ] && reserve=100 # the profiles' share, after this step
  for row in ${rows//,/ }; do
    t=$(cap $((90 + reserve))); t=$((t - reserve))
    [ "$t" -lt 30 ] && { skipped_rows+=("$row"); continue; }
    if [ -n "$smoke" ]; then # no PyTorch rows at CPU sizes: jdnn's side only
      timeout "$t" "${java[@]}" -Xmx4g -cp "$app_cp" dev.jdnn.benchmarks.BenchRunner --set train-throughput --device cpu --quick --rows "$row" \
        --precision tf32,bf16 --layout nchw,nhwc --out "$reports/bench/$row/jdnn" > "$reports/bench-$row.txt" 2>&1
    else
      JDNN_BUNDLE="$bundle" OUT="$reports/bench/$row" timeout "$t" bash ci/gpu-bench.sh --quick --rows "$row" --precision tf32,bf16 --layout nchw,nhwc \
        --configs tf32,tf32-cl,bf16,bf16-cl > "$reports/bench-$row.txt" 2>&1
    fi
    rc=$?
    if [ -f "$reports/bench/$row/jdnn/jdnn-throughput.json" ]; then done_rows+=("$row"); else fail "C  bench       FAIL: $row (exit $rc, ${t}s allowed): $(grep -v '^WARNING' "$reports/bench-$row.txt" | tail -n 2 | tr '\n' ' ' | cut -c1-250)"; fi
  done
  [ "${#skipped_rows[@]}" -gt 0 ] && line "C  bench       NOT RUN (no time left): ${skipped_rows[*]}"
  if [ "${#done_rows[@]}" -gt 0 ]; then
    # One table for all rows: the per-row result files joined (results concatenated, the first file's meta).
    python3 - "$reports/bench" <<'PY'
import glob, json, os, sys
base = sys.argv[1]
for name, pattern in (("jdnn.json", "*/jdnn/jdnn-throughput.json"), ("pytorch.json", "*/pytorch.json")):
    files = sorted(glob.glob(os.path.join(base, pattern)))
    if files:
        docs = [json.load(open(f)) for f in files]
        json.dump({"meta": docs[0].get("meta", {}), "results": [r for d in docs for r in d.get("results", [])]}, open(os.path.join(base, name), "w"), indent=1)
PY
    if [ -f "$reports/bench/pytorch.json" ]; then
      python3 benchmarks/pytorch/side_by_side.py --jdnn "$reports/bench/jdnn.json" --pytorch "$reports/bench/pytorch.json" --out "$reports/bench/side_by_side.md" > /dev/null
      line "C  bench       ok: ${#done_rows[@]} rows, jdnn vs PyTorch in side_by_side.md; targets met $(grep -c ': met' "$reports/bench/side_by_side.md"), NOT met $(grep -c 'NOT met' "$reports/bench/side_by_side.md"):"
      grep -E '^\| [a-z]' "$reports/bench/side_by_side.md" | grep -v '^| row' | cut -d'|' -f2,3,6,7,8,9 | sed "s/^/               /" | tee -a "$summary"
    else
      line "C  bench       ${smoke}jdnn only (no PyTorch results): ${#done_rows[@]} rows"
    fi
    python3 - "$reports/bench/jdnn.json" <<'PY' | tee -a "$summary"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["results"] if "error" not in r]
by = {(r["row"], r.get("precision"), r.get("layout")): r for r in rows}
for (row, p, l), r in sorted(by.items()):
    if row == "resnet50_train_b256" and ("resnet50_train_b128", p, l) in by:
        small = by[("resnet50_train_b128", p, l)]
        print(f"               resnet50 {p} {l}: b256 {r['ms_per_step']:.1f} ms/step = {r['ms_per_step'] / small['ms_per_step']:.2f}x b128's "
              f"{small['ms_per_step']:.1f} (2.0x is linear); peak memory b256 {r['peak_memory_bytes'] / 2**30:.1f} GiB")
for r in rows:
    print(f"               {r['row']} {r.get('precision')} {r.get('layout')}: "
          + (f"{r['images_per_s']:,.0f} img/s" if "images_per_s" in r else f"{r.get('latency_ms', float('nan')):.2f} ms")
          + f", peak {r['peak_memory_bytes'] / 2**30:.2f} GiB")
PY
  fi
fi

# ---- D. profiles of resnet50 b256 ----
if [[ "$steps" != *",profile,"* ]]; then
  line "D  profile     skipped (JDNN_SPEED_STEPS)"
elif [ "$ready" = 0 ]; then
  line "D  profile     NOT RUN: $why_not"
else
  for config in "${configs[@]}"; do
    set -- $config
    t=$(cap 50)
    if [ "$t" -lt 30 ]; then line "D  profile     NOT RUN ($1 $2): only ${t}s left"; continue; fi
    dir="$reports/profile-$1-$2"
    timeout "$t" "${java[@]}" -Xmx16g -cp "$app_cp" dev.jdnn.benchmarks.BenchRunner --profile --device "$device" "${profile_model[@]}" \
      --precision "$1" --layout "$2" --top 15 --out "$dir" > "$reports/profile-$1-$2.txt" 2>&1
    rc=$?
    md="$(ls "$dir"/profile-*.md 2>/dev/null | head -n1)"
    if [ "$rc" = 0 ] && [ -n "$md" ]; then
      line "D  profile     ${smoke}ok: $1 $2 ($(basename "$md")):"
      grep -E '^- (step as normally run|profiled step)' "$md" | sed 's/^/               /' | tee -a "$summary"
    else
      fail "D  profile     FAIL ($1 $2, exit $rc, ${t}s allowed): $(grep -v '^WARNING' "$reports/profile-$1-$2.txt" | tail -n 2 | tr '\n' ' ' | cut -c1-300)"
    fi
  done
fi

finish
