#!/usr/bin/env bash
# Builds what a GPU machine without Java, Maven or network needs to test and run jdnn (see ci/gpu-check.sh), into
# build/gpu-carry/ — the one directory a device call carries (`carry: ["build/gpu-carry"]`):
#   jdnn-gpu.tar.xz       jdnn-gpu/: a jlinked Java runtime (java.desktop included: the CLI draws curves.png), the
#                         project's jars and test-class jars, every third-party dependency (test scope too; not the
#                         PDF stack XChart never needs for PNGs), the JUnit console launcher, COMMIT
#   fashion-mnist.tar.xz  the four Fashion-MNIST IDX files, uncompressed inside (from /usr/share/datasets/fashion-mnist,
#                         or $FASHION_MNIST_DIR; left out, with a warning, when absent or with --no-data)
# Sizes: jars are re-stored uncompressed and the runtime jlinked without compression, so that xz compresses across
# all classes (measured in benchmarks/RESULTS.md). The script fails when build/gpu-carry/ plus the working tree that
# travels with it would exceed the 64 MiB a device call carries.
# The checkout keeps working: copy-dependencies runs with explicit output options only, so the CLI module's own copy
# into cli/target/lib (what ./jdnn runs) is untouched.
#   ci/gpu-bundle.sh [--no-data]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
data_dir="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
with_data=1
for arg in "$@"; do
  case "$arg" in
    --no-data) with_data=0 ;;
    *) echo "gpu-bundle: unknown argument '$arg' (valid: --no-data)" >&2; exit 2 ;;
  esac
done
out="$root/build/gpu-bundle"
bundle="$out/jdnn-gpu"
carry="$root/build/gpu-carry"
limit=$((64 * 1024 * 1024))
junit_platform_version="${JUNIT_PLATFORM_VERSION:-1.14.1}"
modules=(test-support native-bindings memory ops networks training cli benchmarks)

rm -rf "$out" "$carry"
mkdir -p "$bundle/jars" "$bundle/lib" "$carry"

echo "gpu-bundle: building (tests compiled, not run) and collecting dependencies..."
./mvnw -B -q -DskipTests package dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$bundle/lib"
./mvnw -B -q -N dependency:copy \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_platform_version" -DoutputDirectory="$bundle"
mv "$bundle"/junit-platform-console-standalone-*.jar "$bundle/junit-platform-console-standalone.jar"
# The project's own jars come from the modules' target/ below; JUnit comes only from the console launcher (it bundles
# Jupiter and the platform); jqwik only runs the readers' fuzz properties, which the bundle leaves out; XChart's
# PDF/SVG export stack is never used for PNGs.
rm -f "$bundle"/lib/jdnn-*.jar "$bundle"/lib/junit-*.jar "$bundle"/lib/opentest4j-*.jar "$bundle"/lib/apiguardian-*.jar \
      "$bundle"/lib/jqwik-*.jar \
      "$bundle"/lib/pdfbox-*.jar "$bundle"/lib/fontbox-*.jar "$bundle"/lib/graphics2d-*.jar "$bundle"/lib/VectorGraphics2D-*.jar \
      "$bundle"/lib/commons-logging-*.jar

for m in "${modules[@]}"; do
  cp "$m"/target/jdnn-"$m"-*.jar "$bundle/jars/" 2>/dev/null || cp "$m"/target/*.jar "$bundle/jars/"
  if [ -d "$m/target/test-classes" ] && [ -n "$(ls -A "$m/target/test-classes")" ]; then
    staged="$out/test-classes/$m"
    mkdir -p "$staged" && cp -r "$m/target/test-classes/." "$staged/"
    # The readers' fuzz properties need jqwik, which stays behind (see above): their classes stay behind too.
    rm -rf "$staged/dev/jdnn/training/fuzz"
    "$JAVA_HOME/bin/jar" --create --file "$bundle/jars/$m-tests.jar" -C "$staged" .
  fi
done
rm -f "$bundle"/jars/*-sources.jar "$bundle"/jars/*-javadoc.jar
# A module's own test-jar artifact duplicates its -tests.jar built above; the benchmarks' shaded jar duplicates everything.
find "$bundle/jars" -name '*-SNAPSHOT-tests.jar' -delete
rm -f "$bundle/jars/benchmarks.jar"

echo "gpu-bundle: computing the Java modules needed (jdeps)..."
class_path="$(ls "$bundle"/lib/*.jar "$bundle"/jars/*.jar "$bundle"/junit-platform-console-standalone.jar | paste -sd: -)"
needed="$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
  --add-modules jdk.incubator.vector --class-path "$class_path" \
  "$bundle"/jars/*.jar "$bundle/junit-platform-console-standalone.jar" 2>/dev/null)"
# Always: the Vector API; java.desktop (plots, image folders); jdk.unsupported (sun.misc.Unsafe users); jdk.zipfs for
# tests reading zip resources.
modules_csv="$needed,java.desktop,jdk.incubator.vector,jdk.unsupported,jdk.zipfs"
echo "gpu-bundle: jlink --add-modules $modules_csv"
"$JAVA_HOME/bin/jlink" --add-modules "$modules_csv" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-0 --output "$bundle/runtime"
# Temurin ships libjvm.so with its symbol table; the bundle needs none of it.
if command -v strip >/dev/null 2>&1; then
  find "$bundle/runtime/lib" -name '*.so' -exec strip --strip-unneeded {} + 2>/dev/null || true
fi

# Jars stored uncompressed: xz then compresses across every class at once (far smaller than xz over deflated jars).
python3 - "$bundle"/jars/*.jar "$bundle"/lib/*.jar "$bundle/junit-platform-console-standalone.jar" <<'PY'
import os, sys, zipfile
for path in sys.argv[1:]:
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    tmp = path + ".stored"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as out:
        for info, data in entries:
            info.compress_type = zipfile.ZIP_STORED
            out.writestr(info, data)
    os.replace(tmp, path)
PY

git -C "$root" rev-parse HEAD > "$bundle/COMMIT" 2>/dev/null || true
echo "gpu-bundle: compressing (xz -9)..."
tar -C "$out" -cf - jdnn-gpu | xz -9 -T0 > "$carry/jdnn-gpu.tar.xz"

if [ "$with_data" = 1 ]; then
  files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
  if [ -f "$data_dir/${files[0]}.gz" ]; then
    staging="$out/fashion-mnist"
    mkdir -p "$staging"
    for f in "${files[@]}"; do gzip -dc "$data_dir/$f.gz" > "$staging/$f"; done
    tar -C "$out" -cf - fashion-mnist | xz -9 -T0 > "$carry/fashion-mnist.tar.xz"
  else
    echo "gpu-bundle: WARNING: no Fashion-MNIST in $data_dir (set FASHION_MNIST_DIR): the GPU training checks will be skipped" >&2
  fi
fi

# What travels: the working tree (tracked and untracked-not-ignored files) plus build/gpu-carry.
# (du reads the list itself: one total, however many files; xargs would split a long list into several du runs.)
tree_bytes="$(git -C "$root" ls-files -z --cached --others --exclude-standard | (cd "$root" && du -cb --files0-from=- 2>/dev/null) | tail -n1 | cut -f1)"
carry_bytes="$(du -cb "$carry"/* | tail -n1 | cut -f1)"
total=$((tree_bytes + carry_bytes))
for f in "$carry"/*; do echo "gpu-bundle: $(du -h "$f" | cut -f1)	$f"; done
echo "gpu-bundle: a device call carries $((total / 1024 / 1024)) MiB ($total bytes: working tree $tree_bytes + build/gpu-carry $carry_bytes; limit $limit)"
if [ "$total" -gt "$limit" ]; then
  echo "gpu-bundle: ERROR: over the 64 MiB a device call carries" >&2
  exit 1
fi
