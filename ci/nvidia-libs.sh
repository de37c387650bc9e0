# Sourced by ci/gpu-run.sh and ci/gpu-bench.sh: sets JDNN_CUDA_PATH to every site-packages/nvidia/*/lib of the
# python installs and virtual environments we can see (the CUDA libraries of NVIDIA's wheels, e.g. PyTorch's).
nvidia_lib_dirs() {
  local sites=()
  for pattern in /usr/lib/python3*/site-packages /usr/lib/python3*/dist-packages /usr/local/lib/python3*/site-packages \
                 /usr/local/lib/python3*/dist-packages /opt/*/lib/python3*/site-packages /opt/*/*/lib/python3*/site-packages \
                 "$HOME"/.local/lib/python3*/site-packages "$HOME"/*/lib/python3*/site-packages "$HOME"/*/.venv/lib/python3*/site-packages \
                 "${VIRTUAL_ENV:-/nonexistent}"/lib/python3*/site-packages; do
    for s in $pattern; do [ -d "$s/nvidia" ] && sites+=("$s"); done
  done
  for s in "${sites[@]}"; do
    for d in "$s"/nvidia/*/lib; do [ -d "$d" ] && echo "$d"; done
  done
}
found="$(nvidia_lib_dirs | awk '!seen[$0]++' | paste -sd: -)"
export JDNN_CUDA_PATH="${JDNN_CUDA_PATH:+$JDNN_CUDA_PATH:}$found"
