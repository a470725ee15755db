#!/usr/bin/env bash
# Set up (first time) and run the whole test suite: unit, AppTest and real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if [ -z "${MNIST_PATH:-}" ] && [ -f ../shared/data/mnist.npz ]; then
  export MNIST_PATH="$PWD/../shared/data/mnist.npz"
fi
exec .venv/bin/python -m pytest -q "$@"
