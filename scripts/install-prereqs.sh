#!/usr/bin/env bash
# Installs what the tests and the demos need from Debian's packages, only what is missing.
# Safe to run again. Needs root (or sudo) on a machine that lacks something.
set -euo pipefail
need=()
command -v tmux >/dev/null || need+=(tmux)
command -v unzip >/dev/null || need+=(unzip)
command -v zip >/dev/null || need+=(zip)
command -v setsid >/dev/null || need+=(util-linux)
# ./fastgpu's native client of the resident agent (C99, libc only)
{ command -v cc >/dev/null || command -v gcc >/dev/null; } && [ -f /usr/include/stdio.h ] || need+=(gcc libc6-dev)
/usr/bin/python3 -c 'import torch, torchvision, PIL' 2>/dev/null || need+=(python3-torch python3-torchvision python3-pil)
# A real Slurm cluster for the slurm backend's tests (scripts/slurm.sh).
command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null \
  || need+=(slurm-wlm slurmctld slurmd slurm-client munge)
# the mpirun launcher's end-to-end run (examples/mpi-allreduce): OpenMPI and mpi4py
{ command -v mpirun >/dev/null && /usr/bin/python3 -c 'import mpi4py' 2>/dev/null; } || need+=(openmpi-bin python3-mpi4py)
# the dashboard's browser tests: a headless browser and the driver Selenium talks to (never downloaded at run time)
{ command -v chromium >/dev/null && [ -x /usr/bin/chromedriver ]; } || need+=(chromium chromium-driver)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-prereqs: missing ${need[*]}; run as root or install them" >&2; exit 1; }
  sudo=sudo
fi
echo "install-prereqs: installing ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
