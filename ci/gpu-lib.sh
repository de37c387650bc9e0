# Sourced by ci/gpu-check.sh and ci/gpu-speed.sh (not run on its own): their work directory (prepare_work), the
# compact summary they print and keep (line, fail), their time budget (left, cap), the bundle and data they unpack
# (unpack_bundle), the bundle's Java (bundle_java) and `jdnn info` (run_info). The caller sets start, budget, out,
# work and carry, then calls prepare_work.
# prepare_work: $out, and an empty $work with reports/ (the summary) and runs/; status 0
prepare_work() {
  mkdir -p "$out"
  rm -rf "$work"
  mkdir -p "$work/reports" "$work/runs"
  reports="$work/reports"
  summary="$reports/summary.txt"
  status=0
}
line() { printf '%s\n' "$*" | tee -a "$summary"; }
fail() { status=1; line "$@"; }
left() { echo $((budget - (SECONDS - start))); }
# cap SECONDS: the smaller of SECONDS and the time left (minus 20 s kept for the summary); 0 when none is left
cap() { local l; l=$(($(left) - 20)); [ "$l" -lt 0 ] && l=0; [ "$1" -lt "$l" ] && echo "$1" || echo "$l"; }
# unpack_bundle: $carry/jdnn-gpu.tar.xz into $work (bundle), then bundle_java; data: the unpacked Fashion-MNIST when
# $carry has it, else empty. Returns 1, with a FAIL line, when the bundle is missing or does not unpack.
unpack_bundle() {
  data=""
  [ -f "$carry/jdnn-gpu.tar.xz" ] || { fail "A  bundle      FAIL: $carry/jdnn-gpu.tar.xz not found: run ci/gpu-bundle.sh here and carry build/gpu-carry"; return 1; }
  tar -C "$work" -xJf "$carry/jdnn-gpu.tar.xz" || { fail "A  bundle      FAIL: cannot unpack jdnn-gpu.tar.xz"; return 1; }
  bundle="$work/jdnn-gpu"
  line "A  bundle      ok: built from commit $(cut -c1-9 "$bundle/COMMIT" 2>/dev/null) ($(du -sh "$bundle" | cut -f1) unpacked)"
  if [ -f "$carry/fashion-mnist.tar.xz" ]; then tar -C "$work" -xJf "$carry/fashion-mnist.tar.xz" && data="$work/fashion-mnist"; fi
  bundle_java
}
# java (the bundle's runtime with the options jdnn needs) and app_cp (the project's and its dependencies' jars, no
# test jars) for the unpacked bundle at $bundle
bundle_java() {
  java=("$bundle/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true)
  app_cp="$(ls "$bundle"/jars/*.jar "$bundle"/lib/*.jar | grep -v -- '-tests\.jar$' | paste -sd: -)"
}
# run_info: `jdnn info` from the bundle into $reports/info.txt; have_gpu 1 when it would pick CUDA, else 0 with a
# NO GPU line saying why (the caller prints what it wants from info.txt for a GPU)
run_info() {
  timeout 60 "${java[@]}" -cp "$app_cp" dev.jdnn.cli.Main info > "$reports/info.txt" 2>&1
  if grep -q "auto would pick: cuda" "$reports/info.txt"; then
    have_gpu=1
  else
    have_gpu=0
    line "A  info        NO GPU: $(grep -m1 'auto would pick' "$reports/info.txt" | sed 's/^  //')"
  fi
}
