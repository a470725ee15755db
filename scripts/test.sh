#!/usr/bin/env bash
# Set up (first time) and run the whole test suite: unit, AppTest and real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# MNIST: MNIST_PATH, else ../shared/data/mnist.npz (tests/conftest.py → core.data.use_shared_mnist_if_unset)
exec .venv/bin/python -m pytest -q "$@"
