"""The setup finds its Pythons on its own (3.10 for Rasa, 3.12 or newer for the gateway and the
back office), or says what to install."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from test_support.paths import ROOT

FIND = ROOT / "scripts" / "find_python.sh"


def found(version: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run([str(FIND), version], capture_output=True, text=True, env=env, check=True).stdout.strip()


def version_of(python: str) -> tuple[int, int]:
    out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                         text=True, check=True).stdout
    major, minor = out.split()
    return int(major), int(minor)


def test_a_python_310_for_rasa_and_a_supported_one_for_the_services_are_found_under_pyenv() -> None:
    assert version_of(found("3.10")) == (3, 10)
    assert version_of(found("3.12+")) >= (3, 12)


def test_without_the_python_wanted_the_setup_says_what_to_install(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "pyenv")}
    if any(Path(d, name).exists() for d in ("/usr/bin", "/usr/local/bin")
           for name in ("python3.10", "python3.12", "python3.13", "python3.14")):
        env["PATH"] = "/bin"
    result = subprocess.run([str(FIND), "3.10"], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "No Python 3.10 found" in result.stderr and "pyenv install 3.10" in result.stderr
    result = subprocess.run([str(FIND), "3.12+"], capture_output=True, text=True, env=env)
    if result.returncode == 0:  # the system python3 is new enough: then it is the one found
        assert version_of(result.stdout.strip()) >= (3, 12)
    else:
        assert "No Python 3.12+ found" in result.stderr and "pyenv install 3.12" in result.stderr


def test_an_explicit_python_is_used_when_it_is_the_version_wanted(tmp_path: Path) -> None:
    for version, variable in (("3.10", "PYTHON"), ("3.12+", "PYTHON_SERVICES")):
        python = found(version)
        env = {**os.environ, variable: python, "PATH": "/usr/bin:/bin", "PYENV_ROOT": str(tmp_path)}
        assert found(version, env) == python
    # a 3.10 given for the services is refused: the search goes on
    env = {**os.environ, "PYTHON_SERVICES": found("3.10")}
    assert version_of(found("3.12+", env)) >= (3, 12)
