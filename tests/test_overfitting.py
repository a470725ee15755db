"""Overfitting in the studio: 002's train-vs-test check and 004's train-vs-validation curves, per run."""
import pytest

from core.charts import training as charts
from core.training import studio
from models import documents


def run(epochs, test_accuracy=0.9842, test_loss=0.0448):
    return studio.RunRecord(index=1, job_id="j", label="#1 qiita_cnn", key="qiita_cnn", config={}, state="completed",
                            epochs=epochs, test_accuracy=test_accuracy, test_loss=test_loss)


def epoch(n, loss, accuracy, val_loss=None, val_accuracy=None):
    return {"epoch": n, "loss": loss, "accuracy": accuracy, "val_loss": val_loss, "val_accuracy": val_accuracy}


def test_002s_own_numbers_give_its_03_point_gap_and_no_overfitting():
    """002: last epoch loss 0.0435 / accuracy 0.9870, test 0.0448 / 0.9842: a gap of 0.28 points, "not overfitting"."""
    reported = documents.REPORTED["qiita_cnn"]
    assert documents.gap_points(reported.train_accuracy, reported.test_accuracy) == pytest.approx(0.28)
    seen = studio.generalisation(run([epoch(9, 0.0482, 0.9858), epoch(10, 0.0435, 0.9870)]))
    assert seen["gap"] == pytest.approx(0.28) and seen["verdict"] == "fine"
    assert seen["train_loss"] == 0.0435 and seen["val_loss"] is None and seen["best_val_epoch"] is None


def test_a_large_gap_and_a_validation_loss_turning_up_are_flagged():
    wide = studio.generalisation(run([epoch(1, 0.2, 0.95), epoch(2, 0.01, 0.999)], test_accuracy=0.975))
    assert wide["gap"] == pytest.approx(2.4) and wide["verdict"] == "gap"
    # validation loss 0.10 → 0.08 (lowest, epoch 2) → 0.09: 0.09 ≥ 0.08 × 1.05, so it turned back up
    rising = studio.generalisation(run([epoch(1, 0.3, 0.9, 0.10, 0.97), epoch(2, 0.1, 0.97, 0.08, 0.98),
                                        epoch(3, 0.05, 0.985, 0.09, 0.979)], test_accuracy=0.98))
    assert rising["best_val_epoch"] == 2 and rising["val_loss"] == 0.09 and rising["verdict"] == "rising"
    # 0.083 is less than 5 % above 0.08: noise, not a turn
    flat = studio.generalisation(run([epoch(1, 0.3, 0.9, 0.10, 0.97), epoch(2, 0.1, 0.97, 0.08, 0.98),
                                      epoch(3, 0.09, 0.98, 0.083, 0.98)], test_accuracy=0.978))
    assert flat["verdict"] == "fine"


def test_no_verdict_without_a_finished_epoch_or_a_test_score():
    assert studio.generalisation(run([])) is None
    assert studio.generalisation(run([epoch(1, 0.2, 0.95)], test_accuracy=None)) is None


def test_overfit_figure_draws_training_validation_and_test_on_both_panels():
    labels = {name: name for name in ("loss", "accuracy", "epoch", "train", "validation", "test")}
    rows = studio.epoch_rows(run([epoch(1, 0.3, 0.9, 0.10, 0.97), epoch(2, 0.1, 0.97, None, None)]))
    fig = charts.overfit_figure(rows, labels, test=(0.05, 0.98))
    by_name = {(t.name, t.yaxis): t for t in fig.data}
    assert list(by_name[("train", "y")].y) == [0.3, 0.1] and list(by_name[("train", "y2")].y) == [0.9, 0.97]
    assert list(by_name[("validation", "y")].x) == [1] and list(by_name[("validation", "y2")].y) == [0.97]
    assert list(by_name[("test", "y2")].y) == [0.98, 0.98]
    assert [a.text for a in fig.layout.annotations] == ["loss", "accuracy"]
