#!/usr/bin/env bash
# The one script a lent GPU runs: everything jdnn must show on real hardware, in about 8 minutes, with a compact
# summary printed last (and in $OUT/summary.txt) and the full reports under $OUT.
#
# Prepare on the development machine (no GPU needed; 2-4 minutes):
#     ci/gpu-bundle.sh            # -> build/gpu-carry/{jdnn-gpu.tar.xz, fashion-mnist.tar.xz}, checks the 64 MiB limit
# Then ONE device call, from the repository root, exactly:
#     run(command="bash ci/gpu-check.sh", carry=["build/gpu-carry"], timeout_s=600)
# (build/ is git-ignored, so the bundle must be named in carry; the scripts themselves travel with the working tree.
# gpu-bundle.sh prints the measured size of tree + carry and fails over 64 MiB; benchmarks/RESULTS.md has the latest.)
#
# What it does, in this order (a step that needs more time than is left is reported as NOT RUN):
#   A. unpack the bundle and the data; `jdnn info` (libraries, the cuDNN builds found and which is used, the GPU)
#   B. `jdnn train --device cuda` resnet20 on the full Fashion-MNIST, 15 epochs, alone on the machine (timed:
#      seconds per epoch, time to 93 % and 94 % test top-1; target >= 94 %)
#   C. at the same time (numbers, not timings):
#        - every gpu-tagged test of every module (JUnit console; incl. the CUDA zoo parity test in strict FP32 and TF32,
#          one training step of every zoo model, CUDA-graph replay, the ops contracts)
#        - lenet5 2 epochs twice with --deterministic: the two metrics.csv must agree (loss and accuracy columns)
#        - finetune --mode head, last and all (1 epoch each) and eval, from B's best.safetensors
#        - PyTorch on this GPU: make_fixtures.py --device cuda against the committed CPU fixtures (compare_fixtures.py),
#          and jdnn-written safetensors loaded with strict=True into torchvision on the GPU (check_export.py)
#        - compute-sanitizer memcheck over CudaSmokeTest and CudaParityTest (every op once)
#   D. the quick PyTorch side-by-side rows (ci/gpu-bench.sh --quick), alone on the machine
# Needs there: an NVIDIA driver, python3 with torch + torchvision (for the PyTorch steps), compute-sanitizer on PATH
# or in /usr/local/cuda*/bin (memcheck). No Java, Maven or network.
#
# One issue's device checks only: JDNN_CLASSES="dev.jdnn.ops.cuda.CudaFusedParityTest dev.jdnn.ops.cuda.CudaFusionSurveyTest
# dev.jdnn.networks.graph.CudaFusionTest" bash ci/gpu-check.sh runs A and those test classes (any tag), then stops: a short call.
# Environment: JDNN_CHECK_BUDGET_S (default 480: the whole script's time), JDNN_BENCH_ROWS (default
# resnet50_train_b256,cifar_resnet20_train_b128,resnet50_infer_b8). Without a usable GPU the script still unpacks,
# runs `jdnn info` and the gpu-tagged tests (which then skip with the reason) and says NOT RUN for the rest;
# JDNN_CHECK_CPU_SMOKE=1 then runs the CLI steps on the CPU at a tiny size instead, to check this script's own
# wiring and summary (those lines say CPU SMOKE: they are no GPU result).
# Exit status: 0 when every step that ran passed, 1 otherwise.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
start=$SECONDS
budget="${JDNN_CHECK_BUDGET_S:-480}"
out="${OUT:-$root/build/gpu-check-out}"
work="${JDNN_CHECK_WORK:-/tmp/jdnn-check}"
carry="$root/build/gpu-carry"
bench_rows="${JDNN_BENCH_ROWS:-resnet50_train_b256,cifar_resnet20_train_b128,resnet50_infer_b8}"
source ci/gpu-lib.sh
prepare_work
r20="$work/runs/resnet20"

line "jdnn gpu-check $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), host $(hostname)"

# ---- A. unpack, info ----
unpack_bundle || { cp "$summary" "$out/summary.txt"; exit 1; }
[ -n "$data" ] && line "A  data        ok: Fashion-MNIST $(ls "$data" | wc -l) files, $(du -sh "$data" | cut -f1)" \
               || fail "A  data        FAIL: no fashion-mnist.tar.xz in $carry: the training steps cannot run"

test_cp="$(ls "$bundle"/jars/*.jar "$bundle"/lib/*.jar | paste -sd: -):$bundle/junit-platform-console-standalone.jar"
# The CLI as ./jdnn runs it, as a command (so timeout can run it).
jdnn="$work/jdnn"
printf '#!/usr/bin/env bash\nexec %q --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true -XX:+UseParallelGC -Xss8m -cp %q dev.jdnn.cli.Main "$@"\n' \
  "$bundle/runtime/bin/java" "$app_cp" > "$jdnn"
chmod +x "$jdnn"

run_info
if [ "$have_gpu" = 1 ]; then
  gpu_line="$(grep -m1 '^  GPU ' "$reports/info.txt" | sed 's/^  //')"
  cudnn_line="$(grep -m1 '^  cuDNN: ' "$reports/info.txt" | sed 's/^  //')"
  line "A  info        ok: ${gpu_line:-GPU ?}"
  line "               $cudnn_line$(grep -A1 '^  cuDNN: ' "$reports/info.txt" | sed -n 2p | grep -q 'builds found' && echo " ($(grep -A1 '^  cuDNN: ' "$reports/info.txt" | sed -n 2p | sed 's/^ *//'))")"
  line "               $(grep -m1 '^  CUDA runtime: ' "$reports/info.txt" | sed 's/^  //'); $(grep -m1 '^  runtime: ' "$reports/info.txt" | sed 's/^  //')"
fi
device=cuda
smoke=""
if [ "$have_gpu" = 0 ] && [ "${JDNN_CHECK_CPU_SMOKE:-0}" = 1 ]; then device=cpu; smoke="CPU SMOKE, no GPU result: "; fi
cli_ready=$([ -n "$data" ] && { [ "$have_gpu" = 1 ] || [ -n "$smoke" ]; } && echo 1 || echo 0)
# Sizes: the real check, or a tiny CPU smoke run of the same commands.
if [ -n "$smoke" ]; then
  big=(--limit 1024 --test-limit 1000 --epochs 2); lenet=(--limit 1024 --test-limit 1000 --epochs 2); small=(--limit 512 --test-limit 500 --epochs 1)
  evaluation=(--test-limit 500)
else
  big=(--limit 0 --epochs 15); lenet=(--limit 0 --epochs 2); small=(--limit 0 --epochs 1); evaluation=()
fi

# ---- the steps, as functions ----
gpu_tests() { # $1: seconds; the rest: JUnit selectors (default: every gpu-tagged test, one launcher per module group)
  local t="$1" deadline=$((SECONDS + $1)) rc=0 group=0 jars; shift
  : > "$reports/tests-gpu.txt"
  if [ "$#" -gt 0 ]; then
    (cd "$work" && timeout "$t" "${java[@]}" -Xmx16g -cp "$test_cp" org.junit.platform.console.ConsoleLauncher execute \
       "$@" --reports-dir "$reports/junit-gpu" --details=tree --disable-banner) >> "$reports/tests-gpu.txt" 2>&1 || rc=$?
  else
    # In groups, so that a group cut off by the time limit loses only its own report (JUnit writes it at the end).
    for names in "native-bindings memory ops" "networks" "training cli benchmarks test-support"; do
      group=$((group + 1))
      jars="$(for n in $names; do [ -f "$bundle/jars/$n-tests.jar" ] && echo "$bundle/jars/$n-tests.jar"; done | paste -sd: -)"
      [ -n "$jars" ] || continue
      local left=$((deadline - SECONDS)); [ "$left" -lt 1 ] && left=1
      (cd "$work" && timeout "$left" "${java[@]}" -Xmx16g -cp "$test_cp" org.junit.platform.console.ConsoleLauncher execute \
         --scan-class-path "$jars" --include-tag gpu --reports-dir "$reports/junit-gpu-$group" --details=tree --disable-banner) \
         >> "$reports/tests-gpu.txt" 2>&1 || rc=$?
    done
  fi
  echo "$rc" > "$reports/tests-gpu.rc"
}
# The JUnit reports summarised: totals, the classes named in $1 (space-separated simple names), every failure.
summarise_tests() {
  python3 - "$reports" "$(cat "$reports/tests-gpu.rc" 2>/dev/null || echo '?')" "$have_gpu" "$1" > "$reports/tests.result" <<'PY'
import collections, glob, os, sys
import xml.etree.ElementTree as ET
files = glob.glob(os.path.join(sys.argv[1], "junit-gpu*", "*.xml"))
if not files:
    print(f"C  gpu tests   FAIL: no JUnit report (launcher exit {sys.argv[2]}; see tests-gpu.txt)")
    sys.exit()
per_class = collections.defaultdict(lambda: collections.Counter())
failures, skip_reasons = [], collections.Counter()
def first_line(el):
    text = (el.get("message") or el.text or "").strip()
    return text.splitlines()[0] if text else "?"
for f in files:
    for case in ET.parse(f).getroot().iter("testcase"):
        cls = case.get("classname", "?").rsplit(".", 1)[-1]
        if case.find("failure") is not None or case.find("error") is not None:
            per_class[cls]["failed"] += 1
            el = case.find("failure") if case.find("failure") is not None else case.find("error")
            failures.append(f"{cls}.{case.get('name')}: {first_line(el)[:220]}")
        elif case.find("skipped") is not None:
            per_class[cls]["skipped"] += 1
            skip_reasons[first_line(case.find("skipped")).replace("org.opentest4j.TestAbortedException: Assumption failed: ", "")[:160]] += 1
        else:
            per_class[cls]["passed"] += 1
total = collections.Counter()
for c in per_class.values():
    total.update(c)
n = sum(total.values())
if sys.argv[2] in ("124", "137"):
    verdict = "FAIL (a test group hit the time limit: its tests are missing from these counts)"
elif total["failed"] == 0 and total["passed"] > 0:
    verdict = "ok"
elif total["failed"] == 0 and total["passed"] == 0 and sys.argv[3] == "0":
    verdict = "NOT RUN (no GPU: every one skipped, with its reason)"
else:
    verdict = "FAIL"
print(f"C  gpu tests   {verdict}: {n} run, {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped"
      + (f" (launcher exit {sys.argv[2]})" if sys.argv[2] not in ("0", "1") else ""))
for cls in sys.argv[4].split():
    c = per_class.get(cls)
    if c:
        print(f"               {cls}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped")
for reason, count in skip_reasons.most_common(2):
    print(f"               skipped ({count}): {reason}")
rest = skip_reasons.most_common()[2:]
if rest:
    print(f"               skipped ({sum(c for _, c in rest)}): {len(rest)} other reasons (tests-gpu.txt)")
for f in failures[:12]:
    print(f"               FAILED {f}")
if len(failures) > 12:
    print(f"               ... {len(failures) - 12} more failures (tests-gpu.txt)")
PY
  tee -a "$summary" < "$reports/tests.result"
  grep -q "gpu tests   FAIL" "$reports/tests.result" && status=1
}
# What comes back from a device call: at most 8 files, two folders deep.
finish() {
  line "end: $((SECONDS - start)) s of the ${budget} s budget; exit $status; full reports in reports.tar.xz"
  cp "$summary" "$out/summary.txt"
  cp "$reports/info.txt" "$out/info.txt" 2>/dev/null
  cp "$r20/curves.png" "$out/resnet20-curves.png" 2>/dev/null
  cp "$r20/metrics.csv" "$out/resnet20-metrics.csv" 2>/dev/null
  cp -r "$work/runs" "$reports/runs" 2>/dev/null && find "$reports/runs" \( -name '*.ckpt' -o -name '*.safetensors' \) -delete
  tar -C "$work" -cf - reports | xz -6 -T0 > "$out/reports.tar.xz"
  exit "$status"
}
memcheck() {
  local tool=""
  for c in "${COMPUTE_SANITIZER:-}" "$(command -v compute-sanitizer 2>/dev/null)" /usr/local/cuda*/bin/compute-sanitizer; do
    [ -n "$c" ] && [ -x "$c" ] && { tool="$c"; break; }
  done
  if [ -z "$tool" ]; then echo "NOT RUN: compute-sanitizer not found (PATH, /usr/local/cuda*/bin, COMPUTE_SANITIZER)" > "$reports/memcheck.result"; return; fi
  (cd "$work" && timeout "$1" "$tool" --tool memcheck --error-exitcode 86 --log-file "$reports/memcheck.txt" \
     "${java[@]}" -Xmx8g -cp "$test_cp" org.junit.platform.console.ConsoleLauncher execute \
     --select-class dev.jdnn.ops.cuda.CudaSmokeTest --select-class dev.jdnn.ops.cuda.CudaParityTest \
     --reports-dir "$reports/junit-memcheck" --details=summary --disable-banner) > "$reports/tests-memcheck.txt" 2>&1
  local rc=$?
  local errors; errors="$(grep -m1 -o 'ERROR SUMMARY: [0-9]* error' "$reports/memcheck.txt" 2>/dev/null)"
  case "$rc" in
    0) echo "ok: ${errors:-no error summary} ($(grep -m1 -o '[0-9]* tests successful' "$reports/tests-memcheck.txt"))" ;;
    86) echo "FAIL: memcheck reported errors: ${errors} (memcheck.txt)" ;;
    124|137) echo "FAIL: timed out after ${1}s" ;;
    *) echo "FAIL: exit $rc: $(tail -n 3 "$reports/tests-memcheck.txt" | tr '\n' ' ' | cut -c1-200)" ;;
  esac > "$reports/memcheck.result"
}
cli_chain() { # $1: seconds; one result line per step into cli.result
  local deadline=$((SECONDS + $1)) res="$reports/cli.result"
  : > "$res"
  step_left() { local l=$((deadline - SECONDS)); [ "$l" -lt 1 ] && l=1; echo "$l"; }
  if [ "$cli_ready" = 1 ]; then
    for run in a b; do
      timeout "$(step_left)" "$jdnn" train --model lenet5 --data fashion-mnist --data-dir "$data" "${lenet[@]}" --device "$device" --deterministic \
        --out "$work/runs/lenet5-$run" > "$reports/train-lenet5-$run.txt" 2>&1 || true
    done
    if [ -f "$work/runs/lenet5-a/metrics.csv" ] && [ -f "$work/runs/lenet5-b/metrics.csv" ]; then
      local top1; top1="$(python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(f\"{100*float(r[-1]['test_top1']):.2f}%\")" "$work/runs/lenet5-a/metrics.csv")"
      if cmp -s <(cut -d, -f1-6 "$work/runs/lenet5-a/metrics.csv") <(cut -d, -f1-6 "$work/runs/lenet5-b/metrics.csv"); then
        echo "C  lenet5      ${smoke}ok: 2 epochs, test top-1 $top1; two --deterministic runs agree (loss and accuracy columns of metrics.csv)" >> "$res"
      else
        echo "C  lenet5      FAIL: two --deterministic runs differ: $(diff <(cut -d, -f1-6 "$work/runs/lenet5-a/metrics.csv") <(cut -d, -f1-6 "$work/runs/lenet5-b/metrics.csv") | tr '\n' ' ' | cut -c1-300)" >> "$res"
      fi
    else
      echo "C  lenet5      FAIL: $(grep -v '^WARNING' "$reports/train-lenet5-a.txt" | tail -n 2 | tr '\n' ' ' | cut -c1-300)" >> "$res"
    fi
    if [ -f "$r20/best.safetensors" ]; then
      for mode in head last all; do
        timeout "$(step_left)" "$jdnn" finetune --weights "$r20/best.safetensors" --model resnet20 --mode "$mode" --data fashion-mnist --data-dir "$data" \
          "${small[@]}" --device "$device" --out "$work/runs/finetune-$mode" > "$reports/finetune-$mode.txt" 2>&1
        local rc=$?
        local last; last="$(grep -m1 '^best test top-1' "$reports/finetune-$mode.txt")"
        [ "$rc" = 0 ] && echo "C  finetune    ${smoke}ok: --mode $mode, 1 epoch: ${last:-no test line}" >> "$res" \
                      || echo "C  finetune    FAIL: --mode $mode exit $rc: $(grep -v '^WARNING' "$reports/finetune-$mode.txt" | tail -n 2 | tr '\n' ' ' | cut -c1-300)" >> "$res"
      done
      timeout "$(step_left)" "$jdnn" eval --weights "$r20/best.safetensors" --model resnet20 --data fashion-mnist --data-dir "$data" \
        "${evaluation[@]}" --device "$device" > "$reports/eval-resnet20.txt" 2>&1
      local rc=$?
      [ "$rc" = 0 ] && echo "C  eval        ${smoke}ok: $(grep -m1 'top-1' "$reports/eval-resnet20.txt" | cut -c1-200)" >> "$res" \
                    || echo "C  eval        FAIL: exit $rc: $(grep -v '^WARNING' "$reports/eval-resnet20.txt" | tail -n 2 | tr '\n' ' ' | cut -c1-300)" >> "$res"
    else
      echo "C  finetune    NOT RUN: no resnet20 best.safetensors from step B" >> "$res"
    fi
  else
    echo "C  lenet5, finetune, eval  NOT RUN: $([ -z "$data" ] && echo "no data" || echo "needs a GPU")" >> "$res"
  fi
  # PyTorch on this GPU
  local py=""
  for p in "${PYTHON:-}" python3 /opt/*/.venv/bin/python3 /opt/*/bin/python3; do
    [ -n "$p" ] && command -v "$p" >/dev/null 2>&1 && "$p" -c 'import torch, torchvision' 2>/dev/null && { py="$p"; break; }
  done
  if [ -z "$py" ]; then
    echo "C  pytorch     NOT RUN: no python3 with torch and torchvision (set PYTHON)" >> "$res"
  elif ! "$py" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    echo "C  pytorch     NOT RUN: $py has torch $("$py" -c 'import torch; print(torch.__version__)'), but torch.cuda.is_available() is False" >> "$res"
  else
    local tv; tv="torch $("$py" -c 'import torch, torchvision; print(torch.__version__, "torchvision", torchvision.__version__)')"
    timeout "$(step_left)" "$py" ci/pytorch/make_fixtures.py --out "$reports/fixtures-cuda" --device cuda > "$reports/make-fixtures-cuda.txt" 2>&1
    if timeout 60 "$py" ci/pytorch/compare_fixtures.py --reference networks/src/test/resources/parity --candidate "$reports/fixtures-cuda" > "$reports/compare-fixtures.txt" 2>&1; then
      echo "C  pytorch     ok: $tv on cuda vs the committed CPU fixtures: $(tail -n1 "$reports/compare-fixtures.txt")" >> "$res"
    else
      echo "C  pytorch     FAIL: $tv on cuda vs the committed CPU fixtures: $(grep -c FAIL "$reports/compare-fixtures.txt") disagree: $(grep -m2 -E 'FAIL|MISSING|Error' "$reports/compare-fixtures.txt" "$reports/make-fixtures-cuda.txt" | tr '\n' ' ' | cut -c1-300)" >> "$res"
    fi
    mkdir -p "$work/export"
    (cd "$work/export" && timeout "$(step_left)" "${java[@]}" -Xmx4g -cp "$test_cp" org.junit.platform.console.ConsoleLauncher execute \
       --select-class dev.jdnn.training.parity.PyTorchExportTest --reports-dir "$reports/junit-export" --details=summary --disable-banner) \
       > "$reports/export-test.txt" 2>&1
    if timeout "$(step_left)" "$py" ci/pytorch/check_export.py "$work/export/target/pytorch-export" --device cuda > "$reports/check-export.txt" 2>&1; then
      echo "C  export      ok: jdnn-written safetensors load strict=True into PyTorch on cuda, logits agree: $(tr '\n' ';' < "$reports/check-export.txt" | cut -c1-250)" >> "$res"
    else
      echo "C  export      FAIL: $(tail -n 3 "$reports/check-export.txt" "$reports/export-test.txt" | tr '\n' ' ' | cut -c1-300)" >> "$res"
    fi
  fi
}

# ---- one issue's device checks only ----
if [ -n "${JDNN_CLASSES:-}" ]; then
  selected=()
  for c in $JDNN_CLASSES; do selected+=(--select-class "$c"); done
  t=$(cap 400)
  line "C  running only JDNN_CLASSES (${t}s allowed): $JDNN_CLASSES"
  gpu_tests "$t" "${selected[@]}"
  summarise_tests "$(for c in $JDNN_CLASSES; do printf '%s ' "${c##*.}"; done)"
  finish
fi

# ---- B. resnet20 on the full Fashion-MNIST, alone ----
if [ "$cli_ready" = 1 ]; then
  t=$(cap 150)
  timeout "$t" "$jdnn" train --model resnet20 --data fashion-mnist --data-dir "$data" "${big[@]}" --device "$device" --out "$r20" \
    > "$reports/train-resnet20.txt" 2>&1
  rc=$?
  if [ "$rc" = 0 ] && [ -f "$r20/metrics.csv" ]; then
    result="$(python3 ci/run_metrics.py "$r20/metrics.csv")"
    best="${result##*|}"
    if [ -z "$smoke" ] && python3 -c "import sys; sys.exit(0 if float('$best') >= 0.94 else 1)"; then
      line "B  resnet20    ok: ${result%|*}"
    elif [ -n "$smoke" ]; then
      line "B  resnet20    ${smoke}${result%|*}"
    else
      fail "B  resnet20    BELOW TARGET (94%): ${result%|*}"
    fi
    grep -m1 "^deterministic:" "$reports/train-resnet20.txt" | sed 's/^/               /' | tee -a "$summary"
    grep -m1 "^graph capture:" "$reports/train-resnet20.txt" | cut -c1-160 | sed 's/^/               /' | tee -a "$summary"
    grep -m1 "^precision " "$reports/train-resnet20.txt" | cut -c1-200 | sed 's/^/               /' | tee -a "$summary"
    grep -m1 "^fusion " "$reports/train-resnet20.txt" | cut -c1-200 | sed 's/^/               /' | tee -a "$summary"
    grep -q "curves.png" <(grep "^wrote " "$reports/train-resnet20.txt") && line "               curves.png drawn" || fail "               curves.png NOT drawn: $(grep -m1 'not drawn' "$reports/train-resnet20.txt")"
  else
    fail "B  resnet20    FAIL (exit $rc, ${t}s allowed): $(grep -v '^WARNING' "$reports/train-resnet20.txt" | tail -n 2 | tr '\n' ' ' | cut -c1-300)"
  fi
else
  line "B  resnet20    NOT RUN: $([ -z "$data" ] && echo "no data" || echo "needs a GPU (JDNN_CHECK_CPU_SMOKE=1 for a CPU smoke run)")"
fi

# ---- C. concurrently: gpu tests | CLI and PyTorch chain | memcheck ----
t=$(cap 300)
line "C  running the gpu-tagged tests, the CLI and PyTorch checks and memcheck side by side (${t}s allowed)..."
gpu_tests "$t" &
tests_pid=$!
cli_chain "$t" &
chain_pid=$!
if [ "$have_gpu" = 1 ]; then memcheck "$t" & mem_pid=$!; else echo "NOT RUN: needs a GPU" > "$reports/memcheck.result"; mem_pid=""; fi
wait "$tests_pid" "$chain_pid" ${mem_pid:+"$mem_pid"}

summarise_tests "CudaPyTorchParityTest CudaZooTrainingStepTest CudaGraphReplayTest CudaMixedPrecisionTest"
grep -h "parity .* on cuda" "$reports/tests-gpu.txt" > "$reports/parity-cuda.txt" 2>/dev/null || true
[ -s "$reports/parity-cuda.txt" ] && line "               measured parity errors per model and precision: parity-cuda.txt ($(wc -l < "$reports/parity-cuda.txt") lines)"
cat "$reports/cli.result" | tee -a "$summary"
grep -q "FAIL" "$reports/cli.result" && status=1
line "C  memcheck    $(cat "$reports/memcheck.result")"
grep -q "^FAIL" "$reports/memcheck.result" && status=1

# ---- D. PyTorch side by side, alone ----
t=$(cap 120)
if [ "$have_gpu" = 1 ] && [ "$t" -ge 30 ]; then
  JDNN_BUNDLE="$bundle" OUT="$reports/bench" timeout "$t" bash ci/gpu-bench.sh --quick --rows "$bench_rows" --configs tf32-cl > "$reports/bench.txt" 2>&1
  rc=$?
  if [ -f "$reports/bench/side_by_side.md" ]; then
    line "D  bench       $([ "$rc" = 0 ] && echo ok || echo "exit $rc"): quick rows ($bench_rows), jdnn vs PyTorch:"
    grep '^|' "$reports/bench/side_by_side.md" | head -n 8 | sed 's/^/               /' | tee -a "$summary"
  else
    fail "D  bench       FAIL (exit $rc): $(tail -n 2 "$reports/bench.txt" | tr '\n' ' ' | cut -c1-300)"
  fi
else
  line "D  bench       NOT RUN: $([ "$have_gpu" = 1 ] && echo "only ${t}s left" || echo "needs a GPU")"
fi

finish
