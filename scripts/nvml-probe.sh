#!/usr/bin/env bash
# Prints what this machine's NVML does, through the node agent's own JNA binding: driver
# version, optional symbols, the measured running-process record stride (24 or 32 bytes), and
# the energy counter's delta against power x time. Start a CUDA process first so that the stride
# can be measured. Usage: scripts/nvml-probe.sh [libnvidia-ml path] [window seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
app=node-agent/target/quarkus-app
if [ ! -d "$app/lib/main" ]; then
  ./mvnw -B -ntp -q -pl node-agent -am package -DskipTests
fi
exec java -cp "$app/app/*:$app/lib/main/*" io.wattkeeper.agent.gpu.NvmlProbe "$@"
