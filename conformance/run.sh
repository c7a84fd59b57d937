#!/usr/bin/env bash
# Conformance suite for rendered amlgen artifacts, with real tools, offline.
#
#   conformance/run.sh DIR...      e.g. conformance/run.sh out/*
#
# For every *.sh under the DIRs: shellcheck, bash -n, az_check.py (az commands parsed by
# azure-cli's own parsers); for every workspace.yml and online-endpoint-*.yml:
# workspace_check.py (azure-ai-ml + our checks); for every DIR given: checkov_check.py (Bicep + ARM, parse errors fail).
# Each checker counts one unit per file (checkov: per directory). Last line:
#   conformance: N passed, M failed
# Exit status 1 if anything failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="${ROOT}/conformance"
PY="${ROOT}/.venv/conformance/bin/python"

if [ "$#" -eq 0 ]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi

if [ ! -x "${PY}" ] || ! "${PY}" -c 'import azure.cli.core, azure.ai.ml, checkov' >/dev/null 2>&1 \
   || ! command -v shellcheck >/dev/null 2>&1; then
  echo "conformance: validators missing (.venv/conformance or shellcheck); running scripts/setup-validators.sh" >&2
  if ! bash "${ROOT}/scripts/setup-validators.sh" >&2; then
    echo "conformance: 0 passed, 1 failed"
    exit 1
  fi
fi
export AZURE_CONFIG_DIR="${AZURE_CONFIG_DIR:-${ROOT}/.cache/azure}"
mkdir -p "${AZURE_CONFIG_DIR}"

passed=0
failed=0
TMP="$(mktemp -d)"
trap 'rm -rf "${TMP}"' EXIT

pass() { passed=$((passed + 1)); printf 'PASS  %-16s %s\n' "$1" "$2"; }
fail() {
  failed=$((failed + 1))
  printf 'FAIL  %-16s %s\n' "$1" "$2"
  if [ -n "${3:-}" ]; then
    printf '%s\n' "$3" | sed 's/^/      /'
  fi
}
# Finding blocks of one file from a checker report: lines starting with "FILE:" plus
# the indented lines that follow them (az_check prints the command under a finding).
findings_for() {
  awk -v p="$1:" 'index($0, p) == 1 { keep = 1; print; next }
                  /^    / && keep    { print; next }
                                     { keep = 0 }' "$2"
}
elapsed() { echo $(( $(date +%s) - $1 ))s; }

scripts=()
workspaces=()
dirs=()
for d in "$@"; do
  if [ ! -d "${d}" ]; then
    fail input "${d}" "not a directory"
    continue
  fi
  dirs+=("${d%/}")
  while IFS= read -r -d '' f; do scripts+=("${f}"); done \
    < <(find "${d%/}" -type f -name '*.sh' -print0 | sort -z)
  while IFS= read -r -d '' f; do workspaces+=("${f}"); done \
    < <(find "${d%/}" -type f \( -name 'workspace.yml' -o -name 'online-endpoint-*.yml' \) -print0 | sort -z)
done

# --- shell: shellcheck and bash -n -------------------------------------------------
for f in "${scripts[@]+"${scripts[@]}"}"; do
  if out="$(shellcheck -f gcc "${f}" 2>&1)"; then pass shellcheck "${f}"; else fail shellcheck "${f}" "${out}"; fi
  if out="$(bash -n "${f}" 2>&1)"; then pass bash-n "${f}"; else fail bash-n "${f}" "${out}"; fi
done

# --- az commands: one azure-cli load for all scripts ---------------------------------
if [ "${#scripts[@]}" -gt 0 ]; then
  start=$(date +%s)
  "${PY}" "${HERE}/az_check.py" --quiet "${scripts[@]}" > "${TMP}/az.txt" 2>&1
  rc=$?
  # exit 1 means findings; anything else, or no summary line, means the checker broke
  if [ "${rc}" -gt 1 ] || ! tail -n 1 "${TMP}/az.txt" | grep -q '^az_check: '; then
    for f in "${scripts[@]}"; do fail az_check "${f}" "az_check crashed (exit ${rc}):
$(tail -n 20 "${TMP}/az.txt")"; done
  else
    for f in "${scripts[@]}"; do
      block="$(findings_for "${f}" "${TMP}/az.txt")"
      if [ -z "${block}" ]; then pass az_check "${f}"; else fail az_check "${f}" "${block}"; fi
    done
  fi
  echo "      $(tail -n 1 "${TMP}/az.txt") in $(elapsed "${start}")"
fi

# --- workspace.yml ----------------------------------------------------------------------
if [ "${#workspaces[@]}" -gt 0 ]; then
  start=$(date +%s)
  "${PY}" "${HERE}/workspace_check.py" "${workspaces[@]}" > "${TMP}/ws.txt" 2>&1
  rc=$?
  for f in "${workspaces[@]}"; do
    block="$(findings_for "${f}" "${TMP}/ws.txt")"
    if [ "${rc}" -gt 1 ] || ! tail -n 1 "${TMP}/ws.txt" | grep -q '^workspace_check: '; then
      fail workspace_check "${f}" "workspace_check crashed (exit ${rc}):
$(tail -n 20 "${TMP}/ws.txt")"
    elif [ -z "${block}" ]; then pass workspace_check "${f}"; else fail workspace_check "${f}" "${block}"; fi
  done
  echo "      $(tail -n 1 "${TMP}/ws.txt") in $(elapsed "${start}")"
fi

# --- checkov, per directory ----------------------------------------------------------------
for d in "${dirs[@]+"${dirs[@]}"}"; do
  if out="$("${PY}" "${HERE}/checkov_check.py" "${d}" 2>&1)"; then
    pass checkov "${d}"
    echo "      $(printf '%s\n' "${out}" | tail -n 1)"
  else
    fail checkov "${d}" "${out}"
  fi
done

# --- Mermaid diagrams: every README.md, parsed by Mermaid's own parser -----------------------
MERMAID_DIR="${HERE}/mermaid"
for d in "${dirs[@]+"${dirs[@]}"}"; do
  while IFS= read -r -d '' f; do
    if out="$(node "${MERMAID_DIR}/check.mjs" "${f}" 2>&1)"; then
      pass mermaid "${f}"
    else
      fail mermaid "${f}" "${out}"
    fi
  done < <(find "${d}" -name README.md -print0 | sort -z)
done

echo "conformance: ${passed} passed, ${failed} failed"
[ "${failed}" -eq 0 ]
