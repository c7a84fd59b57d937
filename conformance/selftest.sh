#!/usr/bin/env bash
# Self-test of the conformance checkers on the fixtures in conformance/selftest/:
#   good/*  must pass every checker (and conformance/run.sh);
#   bad/*   must fail the checker they target, for the expected reason: each fixture
#           carries one or more "expect: REGEX" lines (ERE) that must match that
#           checker's findings for that file.
# Last line: conformance-selftest: N passed, M failed
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="${ROOT}/conformance"
ST="conformance/selftest"
PY="${ROOT}/.venv/conformance/bin/python"
cd "${ROOT}" || exit 1

if [ ! -x "${PY}" ] || ! command -v shellcheck >/dev/null 2>&1; then
  echo "selftest: validators missing; running scripts/setup-validators.sh" >&2
  bash scripts/setup-validators.sh >&2 || { echo "conformance-selftest: 0 passed, 1 failed"; exit 1; }
fi
export AZURE_CONFIG_DIR="${AZURE_CONFIG_DIR:-${ROOT}/.cache/azure}"

passed=0
failed=0
TMP="$(mktemp -d)"
trap 'rm -rf "${TMP}"' EXIT

ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
not_ok() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/      /'; fi
}
# expect: lines of a fixture (after '#', '//' or nothing)
expectations() { sed -n 's@^\(#\|//\) *expect: *@@p' "$1"; }
# Lines of a report that belong to one file (prefix "FILE:").
lines_for() { awk -v p="$1:" 'index($0, p) == 1' "$2"; }

# Check that a fixture failed for each of its expected reasons.
# $1 label, $2 file with expect: lines, $3 exit code, $4 report (the fixture's findings)
expect_failure() {
  local label="$1" fixture="$2" rc="$3" report="$4" missing="" re
  if [ "${rc}" -eq 0 ]; then
    not_ok "${label}: expected a failure, the checker passed"
    return
  fi
  while IFS= read -r re; do
    if ! grep -Eq -- "${re}" <<<"${report}"; then missing+="expected /${re}/"$'\n'; fi
  done < <(expectations "${fixture}")
  if [ -z "$(expectations "${fixture}")" ]; then
    not_ok "${label}: fixture has no 'expect:' line"
  elif [ -n "${missing}" ]; then
    not_ok "${label}: failed, but not for the expected reason" "${missing}got:
${report}"
  else
    ok "${label}"
  fi
}

mapfile -t good_scripts < <(find "${ST}/good" -type f -name '*.sh' | sort)
mapfile -t good_ws < <(find "${ST}/good" -type f -name 'workspace.yml' | sort)
mapfile -t good_dirs < <(find "${ST}/good" -mindepth 1 -maxdepth 1 -type d | sort)
mapfile -t bad_az < <(find "${ST}/bad/az" -type f -name '*.sh' | sort)
mapfile -t bad_ws < <(find "${ST}/bad/workspace" -type f -name '*.yml' | sort)
mapfile -t bad_ckv < <(find "${ST}/bad/checkov" -mindepth 1 -maxdepth 1 -type d | sort)
mapfile -t bad_sh < <(find "${ST}/bad/shell" -type f -name '*.sh' | sort)

echo "== good fixtures must pass"
for f in "${good_scripts[@]}"; do
  if out="$(shellcheck -f gcc "${f}" 2>&1)"; then ok "shellcheck ${f}"; else not_ok "shellcheck ${f}" "${out}"; fi
  if out="$(bash -n "${f}" 2>&1)"; then ok "bash -n ${f}"; else not_ok "bash -n ${f}" "${out}"; fi
done
"${PY}" "${HERE}/az_check.py" --quiet "${good_scripts[@]}" > "${TMP}/good-az.txt" 2>&1
rc=$?
for f in "${good_scripts[@]}"; do
  rep="$(lines_for "${f}" "${TMP}/good-az.txt")"
  if [ "${rc}" -eq 0 ] && [ -z "${rep}" ]; then ok "az_check ${f}"; else not_ok "az_check ${f}" "${rep:-$(tail -n 20 "${TMP}/good-az.txt")}"; fi
done
"${PY}" "${HERE}/workspace_check.py" "${good_ws[@]}" > "${TMP}/good-ws.txt" 2>&1
rc=$?
for f in "${good_ws[@]}"; do
  rep="$(lines_for "${f}" "${TMP}/good-ws.txt")"
  if [ "${rc}" -eq 0 ] && [ -z "${rep}" ]; then ok "workspace_check ${f}"; else not_ok "workspace_check ${f}" "${rep:-$(tail -n 20 "${TMP}/good-ws.txt")}"; fi
done
for d in "${good_dirs[@]}"; do
  if out="$("${PY}" "${HERE}/checkov_check.py" "${d}" 2>&1)"; then ok "checkov ${d}"; else not_ok "checkov ${d}" "${out}"; fi
done
# The inline skip in good/hub-spoke/main.bicep must really be honoured (reported as skipped).
if "${PY}" "${HERE}/checkov_check.py" "${ST}/good/hub-spoke" 2>&1 | grep -q ' 1 skipped'; then
  ok "checkov honours '// checkov:skip=CKV_AZURE_243: ...' inside the resource body"
else
  not_ok "checkov inline skip in ${ST}/good/hub-spoke/main.bicep was not reported as skipped"
fi

echo "== bad fixtures must fail, for the expected reason"
"${PY}" "${HERE}/az_check.py" --quiet "${bad_az[@]}" > "${TMP}/bad-az.txt" 2>&1
rc=$?
for f in "${bad_az[@]}"; do
  rep="$(lines_for "${f}" "${TMP}/bad-az.txt")"
  frc=1; [ -n "${rep}" ] || frc=0
  [ "${rc}" -gt 1 ] && rep="$(tail -n 20 "${TMP}/bad-az.txt")"
  expect_failure "az_check ${f}" "${f}" "${frc}" "${rep}"
done
"${PY}" "${HERE}/workspace_check.py" "${bad_ws[@]}" > "${TMP}/bad-ws.txt" 2>&1
for f in "${bad_ws[@]}"; do
  rep="$(lines_for "${f}" "${TMP}/bad-ws.txt")"
  frc=1; [ -n "${rep}" ] || frc=0
  expect_failure "workspace_check ${f}" "${f}" "${frc}" "${rep}"
done
for d in "${bad_ckv[@]}"; do
  rep="$("${PY}" "${HERE}/checkov_check.py" "${d}" 2>&1)"
  expect_failure "checkov ${d}" "${d}/main.bicep" "$?" "${rep}"
done
for f in "${bad_sh[@]}"; do
  # shell fixtures name their checker: "# checker: bash -n" or "# checker: shellcheck"
  case "$(sed -n 's/^# checker: *//p' "${f}")" in
    "bash -n") rep="$(bash -n "${f}" 2>&1)"; frc=$? ;;
    shellcheck) rep="$(shellcheck -f gcc "${f}" 2>&1)"; frc=$? ;;
    *) rep="no '# checker:' line"; frc=0 ;;
  esac
  expect_failure "shell ${f}" "${f}" "${frc}" "${rep}"
done

mapfile -t bad_md < <(find "${ST}/bad/mermaid" -type f -name '*.md' | sort)
for f in "${bad_md[@]}"; do
  rep="$(node "${HERE}/mermaid/check.mjs" "${f}" 2>&1)"
  expect_failure "mermaid ${f}" "${f}" "$?" "${rep}"
done
if out="$(node "${HERE}/mermaid/check.mjs" "${ST}/good-mermaid/README.md" 2>&1)"; then
  ok "mermaid ${ST}/good-mermaid/README.md"
else
  not_ok "mermaid ${ST}/good-mermaid/README.md" "${out}"
fi

echo "== conformance/run.sh end to end"
out="$(conformance/run.sh "${good_dirs[@]}" 2>&1)"
rc=$?
last="$(printf '%s\n' "${out}" | tail -n 1)"
if [ "${rc}" -eq 0 ] && [[ "${last}" =~ ^conformance:\ [0-9]+\ passed,\ 0\ failed$ ]]; then
  ok "run.sh on good fixtures: ${last}"
else
  not_ok "run.sh on good fixtures (exit ${rc})" "${out}"
fi
out="$(conformance/run.sh "${ST}/bad/az" "${ST}/bad/checkov/public-storage" 2>&1)"
rc=$?
last="$(printf '%s\n' "${out}" | tail -n 1)"
if [ "${rc}" -ne 0 ] && [[ "${last}" =~ ^conformance:\ [0-9]+\ passed,\ ([0-9]+)\ failed$ ]] \
   && [ "${BASH_REMATCH[1]}" -eq $(( ${#bad_az[@]} + 1 )) ]; then
  ok "run.sh on bad fixtures fails: ${last}"
else
  not_ok "run.sh on bad fixtures (exit ${rc}, expected $(( ${#bad_az[@]} + 1 )) failures)" "${out}"
fi

echo "conformance-selftest: ${passed} passed, ${failed} failed"
[ "${failed}" -eq 0 ]
