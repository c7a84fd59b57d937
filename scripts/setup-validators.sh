#!/usr/bin/env bash
# Install the offline validators used by conformance/run.sh:
#   - shellcheck (Debian package)
#   - one Python venv, .venv/conformance, with azure-cli, azure-ai-ml and checkov
#     pinned by conformance/requirements.txt (+ requirements.lock.txt as constraints).
#
# Idempotent: a hash stamp inside the venv records which requirements it was built
# from; when it matches and the packages import, nothing is reinstalled.
# Options: --force   rebuild the venv even if the stamp matches.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ROOT}/.venv/conformance"
REQ="${ROOT}/conformance/requirements.txt"
LOCK="${ROOT}/conformance/requirements.lock.txt"
STAMP="${VENV}/.requirements.sha256"
PYTHON="${PYTHON:-python3}"
FORCE=0

for arg in "$@"; do
  case "${arg}" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "setup-validators: unknown argument: ${arg}" >&2; exit 2 ;;
  esac
done

log() { printf 'setup-validators: %s\n' "$*"; }

# Run apt-get as root, or through sudo when available.
apt_get() {
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    log "need root (or sudo) to run: apt-get $*" >&2
    return 1
  fi
}

APT_UPDATED=0
apt_install() {
  if [ "${APT_UPDATED}" -eq 0 ]; then
    log "apt-get update"
    apt_get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  apt_get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- shellcheck -------------------------------------------------------------
if command -v shellcheck >/dev/null 2>&1; then
  log "shellcheck present: $(shellcheck --version | sed -n 's/^version: //p')"
else
  apt_install shellcheck
  log "shellcheck installed: $(shellcheck --version | sed -n 's/^version: //p')"
fi

# --- Python venv --------------------------------------------------------------
if ! command -v "${PYTHON}" >/dev/null 2>&1; then
  apt_install python3 python3-venv
fi
# Debian's python3 needs python3-venv for ensurepip; other builds ship it.
if ! "${PYTHON}" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  apt_install python3-venv
fi

want_hash="$(cat "${REQ}" "${LOCK}" | sha256sum | cut -d' ' -f1)-$("${PYTHON}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

venv_ok() {
  [ -x "${VENV}/bin/python" ] \
    && [ -f "${STAMP}" ] \
    && [ "$(cat "${STAMP}")" = "${want_hash}" ] \
    && "${VENV}/bin/python" -c 'import azure.cli.core, azure.ai.ml, checkov' >/dev/null 2>&1
}

if [ "${FORCE}" -eq 0 ] && venv_ok; then
  log "venv up to date: ${VENV} (stamp ${want_hash:0:12})"
else
  log "building venv ${VENV} from conformance/requirements.txt (azure-cli is ~730 MB; a few minutes)"
  rm -rf "${VENV}"
  mkdir -p "$(dirname "${VENV}")"
  "${PYTHON}" -m venv "${VENV}"
  start=$(date +%s)
  "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "${REQ}" -c "${LOCK}"
  "${VENV}/bin/python" -m pip check
  echo "${want_hash}" > "${STAMP}"
  log "venv built in $(( $(date +%s) - start )) s"
fi

# Mermaid's own parser (npm, run by node) for the diagram in every rendered README. node_modules
# stays inside conformance/mermaid (git-ignored); `npm ci` installs exactly the lock file.
MERMAID="${ROOT}/conformance/mermaid"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
mermaid_hash="$(sha256sum "${MERMAID}/package-lock.json" | cut -d' ' -f1)"
if [ -f "${MERMAID}/node_modules/.lock-sha256" ] && [ "$(cat "${MERMAID}/node_modules/.lock-sha256")" = "${mermaid_hash}" ]; then
  log "mermaid parser up to date"
else
  log "installing the mermaid parser (npm ci in conformance/mermaid)"
  (cd "${MERMAID}" && npm ci --silent --no-audit --no-fund)
  echo "${mermaid_hash}" > "${MERMAID}/node_modules/.lock-sha256"
fi

# Config and caches of the tools stay inside the work tree (git-ignored .cache/).
mkdir -p "${ROOT}/.cache/azure" "${ROOT}/.cache/checkov"

"${VENV}/bin/python" - <<'EOF'
from importlib.metadata import version
print("setup-validators: versions: " + ", ".join(
    f"{p} {version(p)}" for p in ("azure-cli", "azure-cli-core", "azure-ai-ml", "checkov", "pycep-parser")))
EOF
log "done"
