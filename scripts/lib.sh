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

# Prints the calling script's usage (its header comment, from the line after the shebang up to
# the first line that is not a comment) and exits 0 when any argument is -h or --help. Every
# script calls it before doing anything, so asking for help never installs, builds or runs.
usage_if_asked() {
  local arg
  for arg in "$@"; do
    if [[ $arg == -h || $arg == --help ]]; then
      awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "${BASH_SOURCE[1]}"
      exit 0
    fi
  done
}

# Refuses an argument the calling script does not take, with its usage line, before anything runs.
refuse_argument() { # argument usage
  printf 'scripts/%s: unknown argument %q (usage: %s; --help for more)\n' \
    "$(basename "${BASH_SOURCE[1]}")" "$1" "$2" >&2
  exit 2
}

# `cmake --build DIR ARGS...` with its progress shown briefly: on a terminal one line redrawn in
# place ("building: 57/196 targets (29%), 84 s"), otherwise (CI logs, pipes) a line at every tenth
# of the targets. The compiler's own output is shown only when the build fails (warnings are
# errors, so a successful build has nothing else to say).
build_with_progress() { # DIR ARGS...
  local dir=$1 output status tty=0
  shift
  [[ -t 2 ]] && tty=1
  output=$(mktemp)
  set +e
  NINJA_STATUS='[%f/%t] ' cmake --build "$dir" "$@" 2>&1 | tee "$output" | {
    shown=-1 drawn=0 start=$SECONDS
    while IFS= read -r line; do
      [[ $line =~ ^\[([0-9]+)/([0-9]+)\]\  ]] || continue
      built=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
      ((built > 0)) || continue  # ninja's "[0/2] Re-checking globbed directories..."
      text="building: $built/$total targets ($((100 * built / total))%), $((SECONDS - start)) s"
      if ((tty)); then
        printf '\r\033[K%s' "$text" >&2
        drawn=1
      elif ((10 * built / total > shown)); then
        shown=$((10 * built / total))
        printf '%s\n' "$text" >&2
      fi
    done
    if ((drawn)); then printf '\n' >&2; fi
  }
  status=${PIPESTATUS[0]}
  set -e
  if ((status != 0)); then cat "$output" >&2; fi
  rm -f "$output"
  return "$status"
}
