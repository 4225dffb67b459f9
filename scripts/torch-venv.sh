#!/usr/bin/env bash
# torch-venv.sh: a Python virtual environment with a current PyTorch (2.x, CPU) for the torchrun tests, the
# end-to-end runs of examples/torchrun-allreduce and demos. Debian's python3-torch (1.13) has a torchrun that
# does not start on Python 3.11, so the tests run the launcher with this venv's interpreter instead.
#
# The venv lives under the repository (.cache/torch-venv), on the file system the SSH test hosts and the Slurm
# test nodes share with this machine, so they run it by its absolute path. It is made from /usr/bin/python3
# (the hosts share /usr, but each has its own /root and /tmp), with pip's own configuration of this machine:
# when that configuration names local package indexes (file:// URLs), only those are asked, so pip never waits
# on an unreachable pypi.org.
#
# Usage: scripts/torch-venv.sh [path] | check | --help
# Exit codes: 0 ok, 1 failure, 2 bad usage, 3 cannot run here (no Python venv, or no torch >= 2 installable).
set -euo pipefail

PROG="torch-venv"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# The SSH test hosts each see their own /root and /tmp: a repository there keeps its venv elsewhere.
case "$ROOT/" in /root/*|/tmp/*) VENV_DEFAULT=/var/cache/fastgpu-torch-venv ;; *) VENV_DEFAULT="$ROOT/.cache/torch-venv" ;; esac
VENV="${FASTGPU_TORCH_VENV:-$VENV_DEFAULT}"
BASE="${FASTGPU_TORCH_BASE_PYTHON:-/usr/bin/python3}"

usage() {
  cat <<'EOF'
Usage: scripts/torch-venv.sh [COMMAND]

A Python venv with PyTorch >= 2 (CPU wheels preferred) and numpy, for the torchrun tests and examples.

Commands:
  path      (the default) create the venv or complete it, then print its python's absolute path (the only
            line on stdout). Idempotent: a venv whose torch >= 2 imports is kept (then it takes a second);
            concurrent calls wait for each other.
  check     print the python's path if the venv is ready; exit 3 otherwise (creates nothing).
  --help    this text.

Environment:
  FASTGPU_TORCH_VENV         the venv's folder (default .cache/torch-venv in the repository, or
                             /var/cache/fastgpu-torch-venv for a repository under /root or /tmp); it must be
                             on a file system the test hosts and nodes see (not /root or /tmp)
  FASTGPU_TORCH_BASE_PYTHON  the interpreter the venv is made from (default /usr/bin/python3)

Exit codes: 0 ok, 1 failure, 2 usage, 3 cannot run here (no venv module, or no torch >= 2 to install:
the torchrun tests then skip).
EOF
}

die()  { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }
say()  { printf '%s: %s\n' "$PROG" "$*" >&2; }
cannot_run() { printf '%s: cannot run here: %s\n' "$PROG" "$*" >&2; exit 3; }
usage_error() { printf '%s: %s (see scripts/torch-venv.sh --help)\n' "$PROG" "$*" >&2; exit 2; }

# The venv's torch imports and is 2.x or later.
usable() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c '
import sys, torch, torch.distributed.run
sys.exit(0 if int(torch.__version__.split(".")[0]) >= 2 else 1)' >/dev/null 2>&1
}

# pip's arguments: the local indexes of pip's configuration only, when it names any.
pip_sources() {
  local extra url locals=()
  extra="$("$VENV/bin/python" -m pip config get global.extra-index-url 2>/dev/null || true)"
  for url in $extra; do
    case "$url" in file://*) [ -d "${url#file://}" ] && locals+=("$url") ;; esac
  done
  [ ${#locals[@]} -eq 0 ] && return 0
  printf '%s\n' --index-url "${locals[0]}"
  for url in "${locals[@]:1}"; do printf '%s\n' --extra-index-url "$url"; done
}

# A CPU wheel of torch >= 2 for this python in pip's find-links folders, the newest, if there is one: an index's
# CUDA build would pull gigabytes of nvidia-* packages. Else the requirement.
torch_wheel() {
  local dirs d tag w=
  dirs="$("$VENV/bin/python" -m pip config get global.find-links 2>/dev/null || true)"
  tag="$("$VENV/bin/python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
  for d in $dirs; do
    d="${d#file://}"; [ -d "$d" ] || continue
    w="$(ls "$d"/torch-[2-9]*+cpu-"$tag"-*.whl 2>/dev/null | sort -V | tail -n 1)"; [ -n "$w" ] && break
  done
  echo "${w:-torch>=2}"
}

up() {
  mkdir -p "$(dirname "$VENV")"
  exec 9>"$VENV.lock"
  flock 9
  if usable; then echo "$VENV/bin/python"; return 0; fi
  [ -x "$BASE" ] || cannot_run "no $BASE to make the venv from (set FASTGPU_TORCH_BASE_PYTHON)"
  "$BASE" -c 'import venv, ensurepip' 2>/dev/null || cannot_run "$BASE has no venv/ensurepip module (apt-get install python3-venv)"
  case "$VENV" in /root/*|/tmp/*) say "warning: $VENV is private to each test host (/root, /tmp): set FASTGPU_TORCH_VENV" ;; esac
  local t0=$SECONDS
  if [ ! -x "$VENV/bin/pip" ]; then
    "$BASE" -m venv --clear "$VENV" || { rm -rf "$VENV"; die "could not create a venv at $VENV"; }
  fi
  local src=()
  mapfile -t src < <(pip_sources)
  say "installing $(torch_wheel) and numpy into $VENV${src[*]:+ (from ${src[*]})}"
  if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install -q --retries 1 --prefer-binary "${src[@]}" \
        "$(torch_wheel)" numpy >"$VENV/pip.log" 2>&1; then
    cannot_run "no torch >= 2 could be installed with this machine's pip configuration (see $VENV/pip.log)"
  fi
  usable || cannot_run "torch >= 2 was installed into $VENV but does not import (see $VENV/pip.log)"
  say "ready in $((SECONDS - t0)) s: $("$VENV/bin/python" -c 'import torch; print("torch", torch.__version__)')"
  echo "$VENV/bin/python"
}

case "${1:-path}" in
  path|up) [ $# -le 1 ] || usage_error "$1 takes no arguments"; up ;;
  check) [ $# -eq 1 ] || usage_error "check takes no arguments"
         usable || cannot_run "no venv with torch >= 2 at $VENV: run scripts/torch-venv.sh path"
         echo "$VENV/bin/python" ;;
  --help|-h|help) usage ;;
  *) usage_error "unknown command '$1'" ;;
esac
