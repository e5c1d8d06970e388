#!/usr/bin/env bash
# Installs torchvision 0.28.0, the release paired with torch 2.13.0, as the oracle for the tests of
# flambeau.vision, into the active Python (or the one given as $1).
# PyPI's torchvision wheel is built for CUDA torch: beside the CPU torch of the test extra its
# compiled operators fail to register and `import torchvision` dies in _meta_registrations.py.
# What the tests compare (transforms, datasets, utils) is pure Python, so the wheel goes in without
# its dependencies and that one module is emptied. Without it, the vision tests skip.
set -euo pipefail
PY=${1:-python}
"$PY" -m pip install -q --no-deps torchvision==0.28.0 pillow
DIR=$("$PY" -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("torchvision").origin))')
echo "# emptied by .ci/torchvision-oracle.sh: no compiled torchvision operators beside CPU torch" \
    > "$DIR/_meta_registrations.py"
"$PY" -c 'import torchvision; print("torchvision", torchvision.__version__)'
