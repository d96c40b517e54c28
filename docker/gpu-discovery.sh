#!/usr/bin/env bash
# Spark GPU discovery script (spark.{driver,executor}.resource.gpu.discoveryScript) for dropgrid executors.
# Prints {"name": "gpu", "addresses": [...]} with the CUDA device indices this container may use:
# with CUDA_VISIBLE_DEVICES set, its entries are cuda:0..n-1 in this process, so the addresses are
# 0..n-1 (Spark reads an address as an index into that list); otherwise nvidia-smi's indices, which in
# a container given whole GPUs by the NVIDIA runtime are the ones CUDA sees.
set -euo pipefail
addresses=()
if [ -n "${CUDA_VISIBLE_DEVICES+set}" ]; then
  IFS=',' read -r -a visible <<< "${CUDA_VISIBLE_DEVICES}"
  for i in "${!visible[@]}"; do
    # CUDA stops at the first entry that names no device (e.g. -1 or NoDevFiles): so does this.
    [[ "${visible[$i]}" =~ ^(-|NoDevFiles$|$) ]] && break
    addresses+=("\"$i\"")
  done
else
  while read -r index; do
    [ -n "$index" ] && addresses+=("\"$index\"")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
fi
echo "{\"name\": \"gpu\", \"addresses\": [$(IFS=,; echo "${addresses[*]}")]}"
