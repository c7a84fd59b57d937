#!/usr/bin/env python3
"""Run checkov (Bicep + ARM frameworks) offline on directories; fail on any failed
check and on any file checkov cannot parse.

    checkov_check.py DIR...        exit 1 on a failed check or a parse error

checkov is run as
    CKV_SKIP_PACKAGE_UPDATE_CHECK=true CKV_PARSE_ERROR_FAIL=true \
    checkov -d DIR --framework bicep arm --skip-download --compact -o json
Without CKV_PARSE_ERROR_FAIL a Bicep file that pycep-parser rejects passes silently
(verified: exit 0, "Parsing errors: 1"). We do not rely on the exit code alone:
the JSON report lists the unparsable files (results.parsing_errors; the list is
omitted under --quiet, so --quiet is not used) and every failed check, and both are
counted here. Inline skips (`// checkov:skip=CKV_...: reason` inside the resource
body) are honoured by checkov and reported as skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def checkov_binary() -> str:
    venv = ROOT / ".venv" / "conformance" / "bin" / "checkov"
    if venv.exists():
        return str(venv)
    # Same interpreter's bin directory (running inside the venv) or PATH.
    candidate = Path(sys.executable).parent / "checkov"
    return str(candidate) if candidate.exists() else "checkov"


def run_checkov(directory: Path) -> tuple[int, list[dict], str]:
    env = dict(os.environ)
    env.update({
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
        "CKV_PARSE_ERROR_FAIL": "true",
        # keep checkov's caches/config in the work tree
        "HOME": env.get("CONFORMANCE_CHECKOV_HOME", str(ROOT / ".cache" / "checkov")),
        "BC_SKIP_MAPPING": "TRUE",
        "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
    })
    Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
    cmd = [checkov_binary(), "-d", str(directory), "--framework", "bicep", "arm",
           "--skip-download", "--compact", "-o", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    out = proc.stdout.strip()
    reports: list[dict] = []
    if out:
        try:
            data = json.loads(out)
            reports = data if isinstance(data, list) else [data]
        except json.JSONDecodeError:
            pass
    return proc.returncode, reports, proc.stderr


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="checkov on Bicep/ARM, failing on parse errors too.")
    ap.add_argument("dirs", nargs="+")
    ns = ap.parse_args(argv)
    t0 = time.time()
    total_failed = total_parse = total_passed = total_skipped = 0
    bad_runs = 0
    for d in ns.dirs:
        directory = Path(d).resolve()
        rc, reports, stderr = run_checkov(directory)
        failed = parse = 0
        for rep in reports:
            # An empty report ("no files of this framework") has no 'results'.
            results = rep.get("results") or {}
            summary = rep.get("summary") or {}
            total_passed += summary.get("passed", 0)
            total_skipped += summary.get("skipped", 0)
            for c in results.get("failed_checks", []):
                failed += 1
                lines = c.get("file_line_range") or []
                span = f":{lines[0]}-{lines[1]}" if len(lines) == 2 else ""
                print(f"{directory}{c.get('file_path', '')}{span}: [{c['check_id']}] {c.get('check_name', '')} "
                      f"(resource {c.get('resource', '?')}, framework {rep.get('check_type')})")
            errors = results.get("parsing_errors", [])
            if not errors and summary.get("parsing_errors"):
                errors = [f"<{summary['parsing_errors']} file(s)>"]
            for f in errors:
                parse += 1
                print(f"{f}: [parse-error] checkov ({rep.get('check_type')}) cannot parse this file; users who scan "
                      f"the generated templates with checkov would get no results for it")
        if not reports and rc != 0:
            print(f"{directory}: [checkov-error] checkov exited {rc} without a report:\n{stderr.strip()[-2000:]}")
            bad_runs += 1
        elif rc != 0 and not (failed or parse):
            print(f"{directory}: [checkov-error] checkov exited {rc} but reported no failure:\n{stderr.strip()[-2000:]}")
            bad_runs += 1
        elif rc == 0 and (failed or parse):
            # Should not happen with CKV_PARSE_ERROR_FAIL=true; our count still fails the run.
            print(f"{directory}: note: checkov exited 0 despite {failed} failed checks / {parse} parse errors")
        total_failed += failed
        total_parse += parse
    print(f"checkov_check: {len(ns.dirs)} dirs, {total_passed} passed, {total_failed} failed, "
          f"{total_skipped} skipped, {total_parse} parse errors ({time.time() - t0:.1f}s)")
    return 1 if (total_failed or total_parse or bad_runs) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # an internal error must not look like "findings" (exit 1)
        import traceback
        traceback.print_exc()
        sys.exit(2)
