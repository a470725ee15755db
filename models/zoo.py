"""The five CNNs of the course documents, as short keras.Sequential stacks.

Each entry keeps the document's layer stack exactly and its training settings as defaults.
Names and descriptions live in locales/<lang>/models.toml (keys ``<key>.name`` …).
Keras is imported inside the builders so that importing this registry stays instant.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class TrainDefaults:
    """A document's training settings, as written there (Keras of the document's time)."""

    optimizer: str  # "sgd", "adam", "adadelta" or "rmsprop"
    learning_rate: float
    batch_size: int
    epochs: int
    validation: str  # "test" (validation_data=test set), "split" or "none"
    validation_split: float = 0.0


@dataclass(frozen=True)
class SeedModel:
    """One registry entry: the builder, the document's defaults, and where it comes from."""

    key: str
    doc: str  # "000" … "004"
    source: str
    build: Callable[..., "object"]
    defaults: TrainDefaults
    dropout: tuple[float, ...] = field(default=())  # the document's dropout rates, in layer order
    # the MNIST test accuracy the shipped weights must hold (scripts/pretrain.py, tests/test_pretrained.py)
    target_accuracy: float = 0.0
    reported_accuracy: float | None = None  # what the document itself reports (002 and 003 only)


def lenet5():
    """000: LeNet-5 for 28×28 inputs: 28→24 (conv 5×5) →12 (avg pool) →8 (conv) →4 (avg pool).

    The document says the 16 maps of 8×8 pool to 2×2; 2×2 pooling halves them to 4×4.
    """
    from keras import Input, Sequential, layers

    return Sequential([
        Input(shape=(28, 28, 1), name="image"),
        layers.Conv2D(6, (5, 5), strides=(1, 1), padding="valid", activation="relu", name="conv1"),
        layers.AveragePooling2D((2, 2), name="pool1"),
        layers.Conv2D(16, (5, 5), activation="relu", name="conv2"),
        layers.AveragePooling2D((2, 2), name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(120, activation="relu", name="dense1"),
        layers.Dense(84, activation="relu", name="dense2"),
        layers.Dense(10, activation="softmax", name="output"),
    ], name="lenet5")


def keras_mnist_cnn(dropout=(0.25, 0.5)):
    """001: Keras' examples/mnist_cnn.py: two 3×3 convolutions, max pooling, 128 dense units."""
    from keras import Input, Sequential, layers

    return Sequential([
        Input(shape=(28, 28, 1), name="image"),
        layers.Conv2D(32, (3, 3), activation="relu", name="conv1"),
        layers.Conv2D(64, (3, 3), activation="relu", name="conv2"),
        layers.MaxPooling2D((2, 2), name="pool1"),
        layers.Dropout(dropout[0], name="dropout1"),
        layers.Flatten(name="flatten"),
        layers.Dense(128, activation="relu", name="dense1"),
        layers.Dropout(dropout[1], name="dropout2"),
        layers.Dense(10, activation="softmax", name="output"),
    ], name="keras_mnist_cnn")


def qiita_cnn(dropout=(0.25,)):
    """002: one convolution, then 2×2 max pooling with stride 1: 26×26 → 25×25 (not 13×13)."""
    from keras import Input, Sequential, layers

    return Sequential([
        Input(shape=(28, 28, 1), name="image"),
        layers.Conv2D(32, (3, 3), activation="relu", name="conv1"),
        layers.MaxPooling2D((2, 2), strides=(1, 1), padding="valid", name="pool1"),
        layers.Dropout(dropout[0], name="dropout1"),
        layers.Flatten(name="flatten"),
        layers.Dense(128, activation="relu", name="dense1"),
        layers.Dense(10, activation="softmax", name="output"),
    ], name="qiita_cnn")


def three_conv(dropout=(0.5, 0.25)):
    """003: three convolutions (16 'same', 128, 256), each followed by 2×2 max pooling."""
    from keras import Input, Sequential, layers

    return Sequential([
        Input(shape=(28, 28, 1), name="image"),
        layers.Conv2D(16, (3, 3), padding="same", activation="relu", name="conv1"),
        layers.MaxPooling2D((2, 2), name="pool1"),
        layers.Conv2D(128, (3, 3), activation="relu", name="conv2"),
        layers.MaxPooling2D((2, 2), name="pool2"),
        layers.Conv2D(256, (3, 3), activation="relu", name="conv3"),
        layers.MaxPooling2D((2, 2), name="pool3"),
        layers.Dropout(dropout[0], name="dropout1"),
        layers.Flatten(name="flatten"),
        layers.Dense(500, activation="relu", name="dense1"),
        layers.Dropout(dropout[1], name="dropout2"),
        layers.Dense(10, activation="softmax", name="output"),
    ], name="three_conv")


def colab_cnn(dropout=(0.5,)):
    """004: Keras' simple MNIST convnet: 28→26→13→11→5, flatten 5×5×64 = 1600, dropout, softmax."""
    from keras import Input, Sequential, layers

    return Sequential([
        Input(shape=(28, 28, 1), name="image"),
        layers.Conv2D(32, (3, 3), activation="relu", name="conv1"),
        layers.MaxPooling2D((2, 2), name="pool1"),
        layers.Conv2D(64, (3, 3), activation="relu", name="conv2"),
        layers.MaxPooling2D((2, 2), name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dropout(dropout[0], name="dropout1"),
        layers.Dense(10, activation="softmax", name="output"),
    ], name="colab_cnn")


REGISTRY: dict[str, SeedModel] = {
    m.key: m
    for m in (
        SeedModel(
            "lenet5", "000", "seeds/000 (LeNet-5)", lenet5,
            TrainDefaults("sgd", 0.05, 128, 500, "none"),
            target_accuracy=0.988,
        ),
        SeedModel(
            "keras_mnist_cnn", "001", "seeds/001 (keras examples/mnist_cnn.py)", keras_mnist_cnn,
            # Adadelta() of the document's Keras meant learning_rate=1.0 (today's default is 0.001).
            TrainDefaults("adadelta", 1.0, 128, 12, "test"),
            dropout=(0.25, 0.5), target_accuracy=0.991,
        ),
        SeedModel(
            "qiita_cnn", "002", "seeds/002 (Qiita)", qiita_cnn,
            # optimizer='sgd' means learning_rate=0.01; fit() without batch_size means 32.
            TrainDefaults("sgd", 0.01, 32, 10, "none"),
            dropout=(0.25,), target_accuracy=0.984, reported_accuracy=0.9842,
        ),
        SeedModel(
            "three_conv", "003", "seeds/003 (Branu tech blog)", three_conv,
            TrainDefaults("adam", 0.001, 1000, 10, "test"),
            dropout=(0.5, 0.25), target_accuracy=0.993, reported_accuracy=0.9941,
        ),
        SeedModel(
            "colab_cnn", "004", "seeds/004 (Colab, keras.io simple MNIST convnet)", colab_cnn,
            TrainDefaults("adam", 0.001, 128, 15, "split", validation_split=0.1),
            dropout=(0.5,), target_accuracy=0.990,
        ),
    )
}


def build(key: str, dropout: tuple[float, ...] | None = None):
    """A fresh, uncompiled model of a registry key, with the document's dropout unless given."""
    entry = REGISTRY[key]
    if not entry.dropout:
        return entry.build()
    return entry.build(tuple(entry.dropout if dropout is None else dropout))


def layer_table(model) -> list[dict]:
    """One row per layer: name, kind, output shape (without the batch axis), parameters."""
    return [
        {
            "layer": layer.name,
            "kind": type(layer).__name__,
            "output_shape": "×".join(str(d) for d in layer.output.shape[1:]),
            "parameters": layer.count_params(),
        }
        for layer in model.layers
    ]


def make_optimizer(name: str, learning_rate: float):
    """A Keras optimizer by the name the documents use."""
    from keras import optimizers

    classes = {
        "sgd": optimizers.SGD,
        "adam": optimizers.Adam,
        "adadelta": optimizers.Adadelta,
        "rmsprop": optimizers.RMSprop,
    }
    return classes[name](learning_rate=learning_rate)


def compile_model(model, optimizer: str, learning_rate: float):
    """Compile as every document does: categorical cross-entropy on one-hot labels, accuracy."""
    model.compile(
        loss="categorical_crossentropy",
        optimizer=make_optimizer(optimizer, learning_rate),
        metrics=["accuracy"],
    )
    return model


PRETRAINED_DIR = Path(__file__).parent / "pretrained"


def pretrained_meta(key: str) -> dict | None:
    """The JSON recorded beside a shipped model (accuracy, seconds per epoch, layers), or None.

    Read once per version of the file (the lab asks for it about ten times per stroke); the dict is
    shared, so never modify it."""
    path = PRETRAINED_DIR / f"{key}.json"
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_meta(path, (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _read_meta(path: Path, version: tuple) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def augmented_models() -> list[str]:
    """Keys of the shipped models trained with augmentation (their JSON holds the recipe)."""
    return [key for key in REGISTRY if isinstance((pretrained_meta(key) or {}).get("augmentation"), dict)]


def shipped_augmentation() -> dict | None:
    """The augmentation recipe the shipped weights were trained with (from their JSON), or None."""
    keys = augmented_models()
    return pretrained_meta(keys[0])["augmentation"] if keys else None
