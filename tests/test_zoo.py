"""The five seed CNNs: exact layer stacks (parameter counts), document defaults, shapes."""
import pytest

from models import zoo

PARAMETERS = {
    "lenet5": 44_426,
    "keras_mnist_cnn": 1_199_882,
    "qiita_cnn": 2_561_738,
    "three_conv": 831_398,
    "colab_cnn": 34_826,
}


def test_registry_keys_and_documents():
    assert list(zoo.REGISTRY) == list(PARAMETERS)
    assert [entry.doc for entry in zoo.REGISTRY.values()] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("key", PARAMETERS)
def test_parameter_counts(key):
    assert zoo.build(key).count_params() == PARAMETERS[key]


def test_shapes_the_documents_get_wrong():
    lenet = {row["layer"]: row["output_shape"] for row in zoo.layer_table(zoo.build("lenet5"))}
    assert lenet["conv1"] == "24×24×6" and lenet["conv2"] == "8×8×16"
    assert lenet["pool2"] == "4×4×16"  # 000 says 2×2
    qiita = {row["layer"]: row["output_shape"] for row in zoo.layer_table(zoo.build("qiita_cnn"))}
    assert qiita["pool1"] == "25×25×32"  # 002 says 13×13
    colab = {row["layer"]: row["output_shape"] for row in zoo.layer_table(zoo.build("colab_cnn"))}
    assert colab["flatten"] == "1600"  # 004: 5×5×64


def test_document_defaults():
    d = {key: entry.defaults for key, entry in zoo.REGISTRY.items()}
    assert (d["lenet5"].optimizer, d["lenet5"].learning_rate, d["lenet5"].batch_size, d["lenet5"].epochs) == ("sgd", 0.05, 128, 500)
    assert (d["keras_mnist_cnn"].optimizer, d["keras_mnist_cnn"].learning_rate, d["keras_mnist_cnn"].epochs) == ("adadelta", 1.0, 12)
    assert (d["qiita_cnn"].optimizer, d["qiita_cnn"].learning_rate, d["qiita_cnn"].batch_size) == ("sgd", 0.01, 32)
    assert (d["three_conv"].optimizer, d["three_conv"].batch_size, d["three_conv"].validation) == ("adam", 1000, "test")
    assert (d["colab_cnn"].validation, d["colab_cnn"].validation_split, d["colab_cnn"].epochs) == ("split", 0.1, 15)


def test_dropout_rates_are_adjustable():
    model = zoo.build("keras_mnist_cnn", dropout=(0.1, 0.2))
    assert [layer.rate for layer in model.layers if type(layer).__name__ == "Dropout"] == [0.1, 0.2]
    default = zoo.build("three_conv")
    assert [layer.rate for layer in default.layers if type(layer).__name__ == "Dropout"] == [0.5, 0.25]


def test_adadelta_learning_rate_of_the_documents_time():
    optimizer = zoo.make_optimizer("adadelta", zoo.REGISTRY["keras_mnist_cnn"].defaults.learning_rate)
    assert float(optimizer.learning_rate) == 1.0
