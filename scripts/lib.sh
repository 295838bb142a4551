# Shared by the scripts in this folder; sourced, not run.
# shellcheck shell=bash

# The checkout's absolute path. CDPATH is cleared: with it exported, `cd` of a relative path prints
# the directory it found, and the result would be two lines.
repo_root() { CDPATH='' cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  else
    sudo "$@"
  fi
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Parallel build jobs: every core, as the machines are small (2 cores).
build_jobs() { nproc; }
