"""Shared test setup: the project root on sys.path and MNIST from the shared offline copy."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist.npz"
if "MNIST_PATH" not in os.environ and SHARED_MNIST.is_file():
    os.environ["MNIST_PATH"] = str(SHARED_MNIST)
