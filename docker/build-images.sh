#!/usr/bin/env bash
# Builds the dropgrid CPU and GPU images and runs doctor and the smoke grid inside each.
#
#   docker/build-images.sh [--base IMAGE] [--tool docker|buildah] [--glue-dir DIR] [--tag TAG] [--no-smoke]
#
# --base      the base of both images: any Debian/Ubuntu image, e.g. debian:bookworm-slim (default) or
#             eclipse-temurin:17-jre; Java 17 is installed unless the base has it.
# --tool      docker, or buildah (rootless/daemonless; chroot isolation); default: docker if present.
# --glue-dir  GLUE folder for the smoke grid (RTE, MRPC), mounted read-only; default ../shared/glue.
# --tag       image name without the -cpu/-gpu suffix; default dropgrid:0.1.0.
# --ca-bundle a CA bundle pip must trust inside the build, when a TLS-intercepting proxy sits between
#             the build and PyPI (e.g. the host's /etc/ssl/certs/ca-certificates.crt); buildah only.
# The job jar is built here first (mvn), with hadoop-aws 3.4.1 and its AWS SDK bundle staged beside it.
# Times of each step go to stderr; heavy steps run under nice.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base=debian:bookworm-slim
tool=""
glue="$root/../shared/glue"
tag=dropgrid:0.1.0
smoke=1
ca=""
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --tool) tool="$2"; shift 2 ;;
    --glue-dir) glue="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --ca-bundle) ca="$2"; shift 2 ;;
    --no-smoke) smoke=0; shift ;;
    *) echo "build-images: unknown argument '$1'; see the header of $0" >&2; exit 2 ;;
  esac
done
if [ -z "$tool" ]; then
  if command -v docker >/dev/null; then tool=docker; else tool=buildah; fi
fi
case "$tool" in docker|buildah) ;; *) echo "build-images: --tool must be docker or buildah, not '$tool'" >&2; exit 2 ;; esac
if [ -n "$ca" ] && { [ "$tool" != buildah ] || [ ! -f "$ca" ]; }; then
  echo "build-images: --ca-bundle needs --tool buildah and a file; got '$ca' with $tool" >&2
  exit 2
fi
if [ "$smoke" = 1 ] && [ ! -d "$glue/RTE" ]; then
  echo "build-images: no GLUE RTE in '$glue' for the smoke grid; give --glue-dir (or --no-smoke)" >&2
  exit 2
fi
cpu="$tag-cpu"
gpu="$tag-gpu"
step() {
  local name="$1"; shift
  local t0=$SECONDS
  echo "build-images: $name ..." >&2
  "$@"
  echo "build-images: $name took $((SECONDS - t0)) s" >&2
}

jars() {
  mvn -q -B -Dstyle.color=never -f "$root/pom.xml" -DskipTests package
  rm -rf "$root/spark-job/target/image-jars"
  for artifact in org.apache.hadoop:hadoop-aws:3.4.1 software.amazon.awssdk:bundle:2.24.6; do
    mvn -q -B -Dstyle.color=never -f "$root/spark-job/pom.xml" dependency:copy -Dartifact="$artifact" \
        -DoutputDirectory="$root/spark-job/target/image-jars"
  done
}

image() {  # image FILE TAG BUILD-ARGS...
  local file="$1" name="$2"; shift 2
  if [ "$tool" = docker ]; then
    nice -n 10 docker build -f "$root/$file" -t "$name" "$@" "$root"
  else
    local trust=()
    [ -n "$ca" ] && trust=(--volume "$(realpath "$ca"):/run/dropgrid-ca.crt:ro" --build-arg PIP_CERT=/run/dropgrid-ca.crt)
    nice -n 10 buildah bud --isolation chroot --layers "${trust[@]}" -f "$root/$file" -t "$name" "$@" "$root"
  fi
}

inside() {  # inside IMAGE COMMAND...: runs a command in a fresh container of the image, GLUE mounted
  local name="$1"; shift
  if [ "$tool" = docker ]; then
    nice -n 10 docker run --rm -v "$glue:/glue:ro" "$name" "$@"
  else
    local ctr
    ctr="$(buildah from --pull-never "$name")"
    nice -n 10 buildah run --isolation chroot -v "$glue:/glue:ro" "$ctr" -- "$@" || { buildah rm "$ctr" >/dev/null; return 1; }
    buildah rm "$ctr" >/dev/null
  fi
}

step "job jar and S3 jars" jars
step "CPU image $cpu from $base" image docker/Dockerfile "$cpu" --build-arg "BASE=$base"
step "GPU image $gpu" image docker/Dockerfile.gpu "$gpu" --build-arg "BASE=$base" \
    --build-arg "CPU_IMAGE=$([ "$tool" = buildah ] && echo "localhost/$cpu" || echo "$cpu")"
if [ "$smoke" = 1 ]; then
  for name in "$cpu" "$gpu"; do
    [ "$tool" = buildah ] && name="localhost/$name"
    step "doctor in $name" inside "$name" dropgrid doctor
    step "smoke grid in $name" inside "$name" dropgrid run /opt/dropgrid/experiment-specs/smoke.yaml \
        --glue-dir /glue --output /tmp/smoke
  done
fi
