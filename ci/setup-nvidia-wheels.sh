#!/usr/bin/env bash
# Best-effort: make NVIDIA's user-space libraries and headers (NVRTC, CUDA runtime, cuBLAS, cuDNN 9) and the libclang
# Python binding available without a GPU, from pip wheels, so CI can test library loading, version queries, NVRTC
# kernel compilation and the bindings' regeneration. Nothing here needs a GPU. If pip or the wheels are unavailable,
# it says so and exits 0: the tests that need them then skip with a printed reason.
set -uo pipefail
want=(nvidia-cuda-nvrtc nvidia-cuda-runtime nvidia-cublas nvidia-cudnn-cu13 libclang)
if ! command -v python3 >/dev/null 2>&1; then
  echo "setup-nvidia-wheels: no python3; NVIDIA-library tests will skip."; exit 0
fi
if python3 - <<'PY' 2>/dev/null
import importlib.util, site, glob, os, sys
sp = [site.getusersitepackages()] + site.getsitepackages()
have = lambda pat: any(glob.glob(os.path.join(p, pat)) for p in sp)
ok = have("nvidia/cudnn/lib/libcudnn.so.9") and (have("nvidia/cu13/lib/libnvrtc.so.13") or have("nvidia/cuda_nvrtc/lib/libnvrtc.so.1*")) \
     and importlib.util.find_spec("clang") is not None
sys.exit(0 if ok else 1)
PY
then
  echo "setup-nvidia-wheels: NVIDIA wheels and libclang already present."; exit 0
fi
echo "setup-nvidia-wheels: installing ${want[*]} with pip --user (no GPU needed)..."
if ! timeout 1200 python3 -m pip install --user -q --disable-pip-version-check "${want[@]}" 2>&1 | grep -v -E '^WARNING: (Retrying|Location)' | tail -n 5; then
  echo "setup-nvidia-wheels: pip failed; NVIDIA-library tests will skip."
fi
exit 0
