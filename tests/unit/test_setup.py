"""The setup finds a Python 3.10 on its own, or says what to install."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.paths import ROOT

FIND = ROOT / "scripts" / "find_python310.sh"


def test_a_python_310_is_found_under_pyenv() -> None:
    found = subprocess.run([str(FIND)], capture_output=True, text=True, check=True).stdout.strip()
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("Python 3.10")


def test_without_python_310_the_setup_says_what_to_install(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "pyenv")}
    if any(Path(d, "python3.10").exists() for d in ("/usr/bin", "/usr/local/bin")):
        env["PATH"] = "/bin"
    result = subprocess.run([str(FIND)], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "No Python 3.10 found" in result.stderr
    assert "pyenv install 3.10" in result.stderr


def test_an_explicit_python_is_used_when_it_is_310(tmp_path: Path) -> None:
    python = subprocess.run([str(FIND)], capture_output=True, text=True, check=True).stdout.strip()
    env = {**os.environ, "PYTHON": python, "PATH": "/usr/bin:/bin", "PYENV_ROOT": str(tmp_path)}
    found = subprocess.run([str(FIND)], capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert found == python
