#!/usr/bin/env bash
# Builds a self-contained GPU test bundle in build/gpu-bundle/ (directory + .tar.gz, under 64 MiB):
#   runtime/   a jlinked Java runtime with only the modules jdnn and its tests need (jdeps decides)
#   jars/      the project's jars and test-class jars      lib/  third-party dependencies (incl. test scope)
#   junit-platform-console-standalone.jar, gpu-run.sh
# JUnit itself comes only from the console launcher jar (it bundles Jupiter), so lib/ holds no second copy.
# The bundle runs on a machine with an NVIDIA driver but no Java, Maven or network: see ci/gpu-run.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
out="$root/build/gpu-bundle"
bundle="$out/jdnn-gpu"
junit_platform_version="${JUNIT_PLATFORM_VERSION:-1.14.1}"
modules=(test-support native-bindings memory ops networks training cli benchmarks)

rm -rf "$out"
mkdir -p "$bundle/jars" "$bundle/lib"

echo "gpu-bundle: building (tests compiled, not run) and collecting dependencies..."
# JUnit comes with the console launcher; jqwik only runs the readers' fuzz properties, which the bundle leaves out.
./mvnw -B -q -DskipTests package dependency:copy-dependencies \
  -DincludeScope=test -DoutputDirectory="$bundle/lib" \
  -DexcludeGroupIds=dev.jdnn,org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian,net.jqwik
./mvnw -B -q -N dependency:copy \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_platform_version" -DoutputDirectory="$bundle"
mv "$bundle"/junit-platform-console-standalone-*.jar "$bundle/junit-platform-console-standalone.jar"

for m in "${modules[@]}"; do
  cp "$m"/target/jdnn-"$m"-*.jar "$bundle/jars/" 2>/dev/null || cp "$m"/target/*.jar "$bundle/jars/"
  if [ -d "$m/target/test-classes" ] && [ -n "$(ls -A "$m/target/test-classes")" ]; then
    "$JAVA_HOME/bin/jar" --create --file "$bundle/jars/$m-tests.jar" -C "$m/target/test-classes" .
  fi
done
rm -f "$bundle"/jars/*-sources.jar "$bundle"/jars/*-javadoc.jar
# A module's own test-jar artifact duplicates its -tests.jar built above.
find "$bundle/jars" -name '*-SNAPSHOT-tests.jar' -delete

# The bundle carries what the GPU tests and benchmarks need. The training CLI's plotting stack (xchart -> pdfbox)
# and java.desktop (plots, javax.imageio for image folders) stay behind: together they would push the bundle over
# the 64 MiB a device session can carry, and CI already runs the tests that use them.
rm -f "$bundle"/lib/xchart-*.jar "$bundle"/lib/pdfbox-*.jar "$bundle"/lib/fontbox-*.jar \
      "$bundle"/lib/VectorGraphics2D-*.jar "$bundle"/lib/graphics2d-*.jar "$bundle"/lib/pdfbox-io-*.jar \
      "$bundle"/lib/commons-logging-*.jar "$bundle"/lib/xchart*.jar
# The CLI's tests exercise plots and image files (java.desktop, left out), as do the training module's image-folder
# tests: of training the bundle carries only the GPU test and the CPU test classes it builds on.
rm -f "$bundle/jars/training-tests.jar" "$bundle/jars/cli-tests.jar"
(cd training/target/test-classes && "$JAVA_HOME/bin/jar" --create --file "$bundle/jars/training-tests.jar" \
  dev/jdnn/training/CudaRecordedUpdateTest*.class dev/jdnn/training/RecordedUpdateTest*.class dev/jdnn/training/TinySetup*.class)

echo "gpu-bundle: computing the Java modules needed (jdeps)..."
class_path="$(ls "$bundle"/lib/*.jar "$bundle"/jars/*.jar "$bundle"/junit-platform-console-standalone.jar | paste -sd: -)"
needed="$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
  --add-modules jdk.incubator.vector --class-path "$class_path" \
  "$bundle"/jars/*.jar "$bundle/junit-platform-console-standalone.jar" 2>/dev/null)"
# Always: the Vector API; jdk.unsupported (sun.misc.Unsafe users); jdk.zipfs for tests reading zip resources.
needed="$(echo "$needed" | tr ',' '\n' | grep -v -x -E 'java.desktop|java.datatransfer|java.prefs' | paste -sd, -)"
modules_csv="$needed,jdk.incubator.vector,jdk.unsupported,jdk.zipfs"
echo "gpu-bundle: jlink --add-modules $modules_csv"
"$JAVA_HOME/bin/jlink" --add-modules "$modules_csv" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-9 --output "$bundle/runtime"

# Temurin ships libjvm.so with its symbol table; the bundle needs none of it (saves about 5 MB).
if command -v strip >/dev/null 2>&1; then
  find "$bundle/runtime/lib" -name '*.so' -exec strip --strip-unneeded {} + 2>/dev/null || true
fi

cp "$root/ci/gpu-run.sh" "$bundle/gpu-run.sh"
cp "$root/ci/nvidia-libs.sh" "$bundle/nvidia-libs.sh"
chmod +x "$bundle/gpu-run.sh"
git -C "$root" rev-parse HEAD > "$bundle/COMMIT" 2>/dev/null || true

tar -C "$out" -czf "$out/jdnn-gpu.tar.gz" jdnn-gpu
size_bytes="$(du -sb "$bundle" | cut -f1)"
echo "gpu-bundle: $(du -sh "$bundle" | cut -f1) directory, $(du -sh "$out/jdnn-gpu.tar.gz" | cut -f1) tar.gz at $out"
if [ "$size_bytes" -gt $((64 * 1024 * 1024)) ]; then
  echo "gpu-bundle: WARNING: the bundle directory is over 64 MiB" >&2
  exit 1
fi
