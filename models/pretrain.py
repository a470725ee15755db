"""Train the five seed CNNs on full MNIST with their document settings; write the shipped weights.

    MNIST_PATH=../shared/data/mnist.npz python -m models.pretrain [key ...]

Each model trains with its document's optimizer, learning rate, batch size and validation,
stops as soon as its test accuracy reaches the document's figure (or after its epochs), and is
saved without optimizer state as models/pretrained/<key>.keras with <key>.json beside it.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

PRETRAINED = Path(__file__).parent / "pretrained"
SEED = 2024


def pretrain(key: str) -> dict:
    """Train one registry model to its target and save it; return the recorded metadata."""
    import keras

    from core import data, storage
    from models import zoo

    entry = zoo.REGISTRY[key]
    settings = entry.defaults
    mnist = data.load_mnist()
    x_train, y_train = data.normalise(mnist.x_train), data.one_hot(mnist.y_train)
    x_test, y_test = data.normalise(mnist.x_test), data.one_hot(mnist.y_test)

    keras.utils.set_random_seed(SEED)
    model = zoo.compile_model(zoo.build(key), settings.optimizer, settings.learning_rate)
    epoch_seconds: list[float] = []
    test_history: list[float] = []

    class StopAtTarget(keras.callbacks.Callback):
        """Evaluate on the test set after each epoch; stop once the document's figure is met."""

        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            epoch_seconds.append(time.perf_counter() - self.started)
            _, accuracy = self.model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
            test_history.append(float(accuracy))
            print(f"{key} epoch {epoch + 1}: {epoch_seconds[-1]:.0f}s test_acc={accuracy:.4f}", flush=True)
            if accuracy >= entry.target_accuracy + 0.0005:
                self.model.stop_training = True

    fit_args = {}
    if settings.validation == "test":
        fit_args["validation_data"] = (x_test, y_test)
    elif settings.validation == "split":
        fit_args["validation_split"] = settings.validation_split
    history = model.fit(
        x_train, y_train, batch_size=settings.batch_size,
        epochs=settings.pretrain_epochs or settings.epochs,
        callbacks=[StopAtTarget()], verbose=2, **fit_args,
    )
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    meta = {
        "key": key,
        "document": entry.doc,
        "optimizer": settings.optimizer,
        "learning_rate": settings.learning_rate,
        "batch_size": settings.batch_size,
        "epochs_trained": len(epoch_seconds),
        "validation": settings.validation,
        "seed": SEED,
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "test_accuracy_per_epoch": test_history,
        "seconds_per_epoch": sum(epoch_seconds) / len(epoch_seconds),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
        "parameters": model.count_params(),
        "layers": zoo.layer_table(model),
        "versions": storage.versions(),
    }
    storage.save_atomic(storage.without_optimizer(model), PRETRAINED / f"{key}.keras", meta)
    return meta


def main(keys: list[str]) -> None:
    from models import zoo

    for key in keys or list(zoo.REGISTRY):
        meta = pretrain(key)
        print(f"== {key}: test accuracy {meta['test_accuracy']:.4f} after {meta['epochs_trained']} epochs, "
              f"{meta['seconds_per_epoch']:.0f} s/epoch", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
