#!/usr/bin/env bash
# Entrypoint of the dropgrid images. Spark on Kubernetes starts driver pods with `driver ARGS...` and
# executor pods with `executor`, passing the executor's settings in SPARK_* variables; anything else
# runs as a command (`dropgrid doctor`, `spark-submit ...`, `bash`).
set -euo pipefail

case "${1:-}" in
  driver)
    shift
    # The driver pod runs the application in client mode; executors reach it at the pod's address.
    exec /opt/spark/bin/spark-submit --deploy-mode client \
      --conf "spark.driver.bindAddress=${SPARK_DRIVER_BIND_ADDRESS:-0.0.0.0}" \
      --conf "spark.executorEnv.SPARK_DRIVER_POD_IP=${SPARK_DRIVER_BIND_ADDRESS:-0.0.0.0}" \
      "$@"
    ;;
  executor)
    shift
    java_opts=()
    # Spark hands the executor's JVM options over as SPARK_JAVA_OPT_0, SPARK_JAVA_OPT_1, ...
    while IFS='=' read -r name _; do
      java_opts+=("${!name}")
    done < <(env | grep -o '^SPARK_JAVA_OPT_[0-9]*=' | sort -t_ -k4 -n)
    exec java "${java_opts[@]}" -Xms"${SPARK_EXECUTOR_MEMORY}" -Xmx"${SPARK_EXECUTOR_MEMORY}" \
      @/opt/dropgrid/jvm.options \
      -cp "/opt/spark/jars/*${SPARK_CLASSPATH:+:$SPARK_CLASSPATH}${SPARK_EXTRA_CLASSPATH:+:$SPARK_EXTRA_CLASSPATH}" \
      org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "$SPARK_DRIVER_URL" --executor-id "$SPARK_EXECUTOR_ID" --cores "$SPARK_EXECUTOR_CORES" \
      --app-id "$SPARK_APPLICATION_ID" --hostname "$SPARK_EXECUTOR_POD_IP" \
      --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID:-0}" --podName "${SPARK_EXECUTOR_POD_NAME:-}"
    ;;
  "")
    exec /opt/dropgrid/bin/dropgrid --help
    ;;
  *)
    exec "$@"
    ;;
esac
