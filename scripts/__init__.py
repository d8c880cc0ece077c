"""Maintainer and operator commands (run from the repository root: `python -m scripts.<name>` or
`python scripts/<name>.py`); generators of files under data/ live here too."""
