#!/usr/bin/env bash
# Runs jdnn's tests on a GPU machine from the bundle made by ci/gpu-bundle.sh. Needs only an NVIDIA driver and
# the CUDA libraries from a python venv's NVIDIA wheels (e.g. PyTorch's): no Java, Maven or network.
#   ./gpu-run.sh            jdnn info, then the gpu-tagged tests, then the other tests the bundle carries (all modules;
#                           of training only its GPU test and what it builds on: the CLI/plot/image tests need
#                           java.desktop, which the bundle leaves out)
#   JDNN_TESTS=gpu ./gpu-run.sh   only the gpu-tagged tests
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

echo "gpu-run: jdnn info"
"${java[@]}" -cp "$class_path" dev.jdnn.cli.InfoCommand 2>&1 | tee "$reports/info.txt"

status=0
run_tests() { # $1: report sub-directory, rest: tag filters
  local name="$1"; shift
  echo "gpu-run: tests ($name)"
  (cd "$reports" && "${java[@]}" -jar "$here/junit-platform-console-standalone.jar" execute \
      --class-path "$class_path" --scan-class-path "$test_jars" --reports-dir "$reports/junit-$name" \
      --details=tree --disable-banner "$@") 2>&1 | tee "$reports/tests-$name.txt"
  local rc="${PIPESTATUS[0]}"
  [ "$rc" -eq 0 ] || status="$rc"
}
run_tests gpu --include-tag gpu
if [ "${JDNN_TESTS:-all}" = all ]; then
  run_tests other --exclude-tag gpu
fi
echo "gpu-run: done, reports in $reports (exit $status)"
exit "$status"
