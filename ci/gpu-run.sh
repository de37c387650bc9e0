#!/usr/bin/env bash
# Runs jdnn's tests on a GPU machine from the bundle made by ci/gpu-bundle.sh. Needs only an NVIDIA driver and
# the CUDA libraries from a python venv's NVIDIA wheels (e.g. PyTorch's): no Java, Maven or network.
#   ./gpu-run.sh            jdnn info, then the gpu-tagged tests, then the other tests the bundle carries (all modules;
#                           of training only its GPU test and what it builds on; not the CLI's tests: they
#                           need java.desktop, which the bundle leaves out)
#   JDNN_TESTS=gpu ./gpu-run.sh   only the gpu-tagged tests
#   JDNN_CLASSES="dev.jdnn.ops.cuda.CudaFusedParityTest dev.jdnn.ops.cuda.CudaFusionSurveyTest" ./gpu-run.sh
#                           only these test classes (e.g. one issue's device checks), instead of the tag runs
#   Then, when compute-sanitizer is found ($COMPUTE_SANITIZER, PATH, /usr/local/cuda*/bin, a wheel's nvidia/*), a short
#   run under `compute-sanitizer --tool memcheck` (the smoke and parity tests: every op once); its log is memcheck.txt.
#   JDNN_MEMCHECK=0 skips it. Without the tool the script says so: memcheck is then NOT done.
# Reports (info.txt, JUnit XML) go to $OUT when it is set, else ./reports. Exit status: non-zero if any test failed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
reports="${OUT:-$here/reports}"
mkdir -p "$reports"

. "$here/nvidia-libs.sh"   # sets JDNN_CUDA_PATH
echo "gpu-run: JDNN_CUDA_PATH=$JDNN_CUDA_PATH"

java=("$here/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx${JDNN_TEST_XMX:-8g})
class_path="$(ls "$here"/jars/*.jar "$here"/lib/*.jar | paste -sd: -)"
test_jars="$(ls "$here"/jars/*-tests.jar | paste -sd: -)"
# The tests go on the JVM's own class path (not the launcher's --class-path): tests that start a child JVM pass it
# java.class.path.
launcher_path="$class_path:$here/junit-platform-console-standalone.jar"

echo "gpu-run: jdnn info"
"${java[@]}" -cp "$class_path" dev.jdnn.cli.InfoCommand 2>&1 | tee "$reports/info.txt"

status=0
run_tests() { # $1: report sub-directory, rest: selectors and filters (default selector: every class of the test jars)
  local name="$1"; shift
  [ "$#" -gt 0 ] && [ "${1#--select}" != "$1" ] || set -- --scan-class-path "$test_jars" "$@"
  echo "gpu-run: tests ($name)"
  (cd "$reports" && "${java[@]}" -cp "$launcher_path" org.junit.platform.console.ConsoleLauncher execute \
      --reports-dir "$reports/junit-$name" --details=tree --disable-banner "$@") 2>&1 | tee "$reports/tests-$name.txt"
  local rc="${PIPESTATUS[0]}"
  [ "$rc" -eq 0 ] || status="$rc"
}
find_sanitizer() {
  local c
  for c in "${COMPUTE_SANITIZER:-}" "$(command -v compute-sanitizer 2>/dev/null)" /usr/local/cuda*/bin/compute-sanitizer \
           $(echo "$JDNN_CUDA_PATH" | tr ':' '\n' | sed 's#/lib$##' | sed 's#$#/compute-sanitizer/compute-sanitizer#'); do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return; }
  done
}
memcheck() {
  local tool
  tool="$(find_sanitizer)"
  if [ -z "$tool" ]; then
    echo "gpu-run: memcheck NOT run: compute-sanitizer not found (set COMPUTE_SANITIZER=/path/to/compute-sanitizer)" | tee "$reports/memcheck.txt"
    return
  fi
  echo "gpu-run: memcheck ($tool) over CudaSmokeTest and CudaParityTest"
  (cd "$reports" && "$tool" --tool memcheck --error-exitcode 86 --log-file "$reports/memcheck.txt" \
      "${java[@]}" -cp "$launcher_path" org.junit.platform.console.ConsoleLauncher execute \
      --select-class dev.jdnn.ops.cuda.CudaSmokeTest --select-class dev.jdnn.ops.cuda.CudaParityTest \
      --reports-dir "$reports/junit-memcheck" --details=summary --disable-banner) 2>&1 | tee "$reports/tests-memcheck.txt"
  local rc="${PIPESTATUS[0]}"
  echo "gpu-run: memcheck exit $rc (86: memcheck reported errors; see memcheck.txt)"
  [ "$rc" -eq 0 ] || status="$rc"
}

if [ -n "${JDNN_CLASSES:-}" ]; then
  selected=()
  for c in $JDNN_CLASSES; do selected+=(--select-class "$c"); done
  run_tests selected "${selected[@]}"
else
  run_tests gpu --include-tag gpu
  if [ "${JDNN_TESTS:-all}" = all ]; then
    run_tests other --exclude-tag gpu
  fi
fi
[ "${JDNN_MEMCHECK:-1}" = 0 ] || memcheck
echo "gpu-run: done, reports in $reports (exit $status)"
exit "$status"
