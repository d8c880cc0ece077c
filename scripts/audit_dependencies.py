"""Dependency audit with pip-audit: fails on a known vulnerability, says plainly when it could not look.

Runs pip-audit (from .venv-tools, see scripts/lint_deploy.sh) on the packages installed in .venv
and in .venv-services and reads its JSON. pip-audit needs a vulnerability database (PyPI's JSON API or OSV). Where
neither can be reached — the development and CI machines of this project reach only a package
mirror — every package comes back "could not be audited": then this prints
"AUDIT NOT PERFORMED" with the reason and exits 0, so the limitation is visible in every run
instead of hidden behind a green "no vulnerabilities". Any package that was audited and has a
known vulnerability fails the run (exit 1); ``--require`` makes an audit that could not run fail too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PIP_AUDIT = ROOT / ".venv-tools" / "bin" / "pip-audit"
ENVIRONMENTS = (".venv", ".venv-services")


def site_packages(environment: str) -> Path:
    return next((ROOT / environment / "lib").glob("python3*/site-packages"), ROOT / environment)


def audit(environment: str) -> list[dict[str, Any]]:
    """pip-audit's entries for the packages of one environment, each named with the environment."""
    done = subprocess.run([str(PIP_AUDIT), "--path", str(site_packages(environment)), "--progress-spinner", "off",
                           "-f", "json", "--timeout", "20"], capture_output=True, text=True, timeout=900)
    if not done.stdout.strip():
        raise SystemExit(f"pip-audit gave no report for {environment} (exit {done.returncode}):\n"
                         f"{done.stderr[-2000:]}")
    return [{**dependency, "name": f"{dependency['name']} ({environment})"}
            for dependency in json.loads(done.stdout)["dependencies"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--require", action="store_true", help="fail when the audit could not be performed")
    args = parser.parse_args()
    dependencies = [dependency for environment in ENVIRONMENTS for dependency in audit(environment)]
    audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    vulnerable = [dependency for dependency in audited if dependency.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        return 1
    if not audited:
        reason = dependencies[0]["skip_reason"] if dependencies else "no packages found"
        print(f"AUDIT NOT PERFORMED: none of the {len(dependencies)} installed packages could be checked, "
              f"no vulnerability database is reachable from this machine ({reason})")
        return 1 if args.require else 0
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerability"
          + (f"; {len(dependencies) - len(audited)} could not be checked" if len(audited) < len(dependencies) else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
