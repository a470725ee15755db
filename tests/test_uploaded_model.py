"""An uploaded .keras model (core/lab/uploaded.py): loaded safely when it reads a 28×28×1 digit into 10
outputs, refused with a reason otherwise (never another exception)."""
import io
import zipfile

import numpy as np
import pytest

from core.lab import uploaded

keras = pytest.importorskip("keras")


def keras_bytes(model, tmp_path, name="m.keras") -> bytes:
    path = tmp_path / name
    model.save(path)
    return path.read_bytes()


def refused(data: bytes) -> uploaded.UploadedModelError:
    with pytest.raises(uploaded.UploadedModelError) as caught:
        uploaded.load(data)
    return caught.value


def test_a_studio_download_loads_and_is_recognised(tmp_path):
    from models import zoo

    model = zoo.build("colab_cnn")
    loaded = uploaded.load(keras_bytes(model, tmp_path))
    image = np.random.default_rng(0).random((1, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(loaded.predict_on_batch(image), model.predict_on_batch(image), rtol=1e-5, atol=1e-6)
    assert uploaded.architecture(loaded) == "colab_cnn"
    other = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, "softmax")])
    assert uploaded.architecture(uploaded.load(keras_bytes(other, tmp_path, "o.keras"))) == ""


def test_empty_huge_and_non_keras_files_are_refused_before_loading():
    assert refused(b"").key == "empty_file"
    big = refused(b"\0" * (uploaded.MAX_MB * 1024 * 1024 + 1))
    assert big.key == "too_large" and big.values == {"size_mb": f"{uploaded.MAX_MB:.1f}", "limit_mb": uploaded.MAX_MB}
    assert refused(b"GIF89a not a model").key == "not_keras"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "a zip, but no Keras model inside")
    assert refused(buffer.getvalue()).key == "not_keras"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.weights.h5", b"\0" * ((uploaded.MAX_UNPACKED_MB + 1) * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024 and refused(bomb.getvalue()).key == "too_large"


def test_wrong_shapes_are_refused_with_the_shapes_found(tmp_path):
    wide = keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    error = refused(keras_bytes(wide, tmp_path, "wide.keras"))
    assert error.key == "wrong_shape" and error.values["shape_in"] == "32×32×1" and error.values["shape_out"] == "10"
    five = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(5)])
    assert refused(keras_bytes(five, tmp_path, "five.keras")).values["shape_out"] == "5"


def test_code_inside_a_model_is_not_run(tmp_path):
    """A Lambda layer carries Python code; safe mode refuses to deserialise it."""
    sneaky = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Lambda(lambda x: x * 2),
                               keras.layers.Flatten(), keras.layers.Dense(10)])
    assert refused(keras_bytes(sneaky, tmp_path, "sneaky.keras")).key == "unsafe"


def test_a_damaged_archive_is_refused(tmp_path):
    from models import zoo

    good = keras_bytes(zoo.build("lenet5"), tmp_path)
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, content[: len(content) // 3] if info.filename == "model.weights.h5" else content)
    error = refused(damaged.getvalue())
    assert error.key == "not_loadable" and error.values["detail"]
