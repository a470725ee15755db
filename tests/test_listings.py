"""The documents' Keras listings (models/listings) run with today's Keras and build the models of models/zoo.py.

Each listing runs whole, on the real MNIST arrays, with fit() cut to 256 images and one epoch
(the listings' own settings stay in the text), matplotlib and TensorBoard replaced by stubs, in a
temporary folder.
"""
import sys
import types

import numpy as np
import pytest

from core import data
from models import documents, zoo

keras = pytest.importorskip("keras")


def layer_shapes(model) -> list[tuple]:
    return [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]


@pytest.fixture(scope="module")
def mnist_arrays():
    m = data.load_mnist()
    return (m.x_train, m.y_train), (m.x_test, m.y_test)


@pytest.fixture
def sandbox(tmp_path, monkeypatch, mnist_arrays):
    """Offline MNIST, a short fit(), no plotting window, a temporary working folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("keras.datasets.mnist.load_data", lambda *a, **k: mnist_arrays)
    fit = keras.Model.fit
    seen = {}

    def short_fit(self, x=None, y=None, *args, **kwargs):
        seen.update(epochs=kwargs.get("epochs"), batch_size=kwargs.get("batch_size"))
        kwargs.update(epochs=1, verbose=0)
        validation = kwargs.get("validation_data")
        if validation is not None:
            kwargs["validation_data"] = (validation[0][:64], validation[1][:64])
        return fit(self, x[:256], y[:256], *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", short_fit)

    class NoTensorBoard(keras.callbacks.Callback):  # the tensorboard package is not installed here
        def __init__(self, log_dir="logs", **kwargs):
            super().__init__()
            seen["log_dir"] = log_dir

    monkeypatch.setattr(keras.callbacks, "TensorBoard", NoTensorBoard)
    stub = types.ModuleType("matplotlib.pyplot")
    for name in ("imshow", "title", "axis", "show"):
        setattr(stub, name, lambda *a, **k: None)
    package = types.ModuleType("matplotlib")
    package.pyplot = stub
    monkeypatch.setitem(sys.modules, "matplotlib", package)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", stub)
    return tmp_path, seen


@pytest.mark.parametrize("key", list(zoo.REGISTRY))
def test_listing_runs_and_builds_the_zoo_model(key, sandbox):
    folder, seen = sandbox
    if key == "keras_mnist_cnn":  # its second part reads a picture file beside the saved model
        from PIL import Image

        (folder / "data" / "06_cnn01").mkdir(parents=True)
        picture = np.zeros((100, 100), np.uint8)
        picture[20:80, 45:55] = 255
        Image.fromarray(picture).save(folder / "data" / "06_cnn01" / "test4-2.png")
    namespace = {"__name__": "__listing__"}
    exec(compile(documents.listing(key), f"{key}.py", "exec"), namespace)
    assert layer_shapes(namespace["model"]) == layer_shapes(zoo.build(key))
    defaults = zoo.REGISTRY[key].defaults
    assert seen["epochs"] == defaults.epochs  # the listing keeps the document's epoch count
    assert (seen["batch_size"] or 32) == defaults.batch_size
    if key == "keras_mnist_cnn":
        assert (folder / "data" / "06_cnn01" / "06_cnn01.keras").is_file()
        assert namespace["classes"].shape == (1,)


def test_listings_mark_the_documents_errors():
    """The corrections the pages explain are in the code shown (✎ marks)."""
    assert "Conv2D(filters=16" in documents.listing("lenet5")
    text = documents.listing("keras_mnist_cnn")
    assert "predict_classes" not in text.replace("predict_classes() was removed", "")
    assert "Image.LANCZOS" in text and "06_cnn01.keras" in text and "06_cnn01.h5" not in text
    assert "input_shape=(784,), activation" not in documents.listing("three_conv")
    assert "np_utils" not in documents.listing("qiita_cnn").replace("keras.utils.np_utils was removed", "")
