# Sourced by ci/gpu-check.sh and ci/gpu-speed.sh (not run on its own): the compact summary they print and keep (line,
# fail), their time budget (left, cap) and the bundle's Java (bundle_java). The caller sets start, budget, summary and
# status first.
line() { printf '%s\n' "$*" | tee -a "$summary"; }
fail() { status=1; line "$@"; }
left() { echo $((budget - (SECONDS - start))); }
# cap SECONDS: the smaller of SECONDS and the time left (minus 20 s kept for the summary); 0 when none is left
cap() { local l; l=$(($(left) - 20)); [ "$l" -lt 0 ] && l=0; [ "$1" -lt "$l" ] && echo "$1" || echo "$l"; }
# java (the bundle's runtime with the options jdnn needs) and app_cp (the project's and its dependencies' jars, no
# test jars) for the unpacked bundle at $bundle
bundle_java() {
  java=("$bundle/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true)
  app_cp="$(ls "$bundle"/jars/*.jar "$bundle"/lib/*.jar | grep -v -- '-tests\.jar$' | paste -sd: -)"
}
