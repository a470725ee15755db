"""core.training.timebox: the cost model by hand, the choice of subset and epochs, the deadline, one real time box."""
import dataclasses
import math

import pytest

from core.training import jobs
from core.training import timebox
from core.training.engine import TrainConfig

M = timebox.Measurement(update_seconds=0.01, startup_seconds=1.0, forward_seconds=0.0001,
                        eval_startup_seconds=0.5, spent_seconds=2.0)


def config(**changes):
    values = dict(key="lenet5", epochs=1, batch_size=100, optimizer="adam", learning_rate=0.001,
                  validation_split=0.1)
    values.update(changes)
    return TrainConfig(**values)


def test_run_seconds_by_hand():
    # 1,000 images, 10 % held out: 900 → 9 updates × 0.01 s = 0.09 s, validation 100 × 0.0001 = 0.01 s
    # per epoch 0.1 s, two epochs 0.2 s; tests 2 × 10,000 × 0.0001 = 2 s; start-ups 1 + 0.5
    assert timebox.run_seconds(config(), 1000, 2, M) == pytest.approx(1.0 + 0.2 + 0.5 + 2.0)
    # a partly filled last batch still costs a whole update: 950 → ceil(9.5) = 10 updates
    assert timebox.run_seconds(config(validation_split=0.0), 950, 1, M) == pytest.approx(1.0 + 0.1 + 0.5 + 2.0)


def test_choose_prefers_all_images_then_fills_with_epochs():
    c = config()
    fixed = timebox.run_seconds(c, 60000, 0, M)  # 3.5 s
    per_image_epoch = 0.9 * 0.01 / 100 + 0.1 * 0.0001  # 0.0001 s
    # 20 s left: (20 − 3.5) / 0.0001 = 165,000 image-epochs → 3 epochs of 55,000
    assert fixed == pytest.approx(3.5) and per_image_epoch == pytest.approx(0.0001)
    size, epochs = timebox.choose(20.0, c, M)
    assert (size, epochs) == (55000, 3)
    assert timebox.run_seconds(c, size, epochs, M) <= 20.0
    # 6.5 s left: 30,000 image-epochs → one epoch of 30,000 (fresh images rather than repeats)
    assert timebox.choose(6.5, c, M) == (30000, 1)
    # too little time: the smallest run
    assert timebox.choose(3.0, c, M) == (1000, 1)


def test_plan_aims_a_little_past_the_budget_and_says_whether_it_fits():
    plan = timebox.plan(30.0, config(), mnist=None, measurement=M)
    assert plan.predicted_seconds == pytest.approx(
        M.spent_seconds + timebox.run_seconds(config(), plan.train_size, plan.epochs, M))
    assert 30.0 < plan.predicted_seconds <= 30.0 * timebox.AIM
    assert plan.fits and plan.to_dict()["measurement"]["update_seconds"] == 0.01
    assert timebox.Plan.from_dict(plan.to_dict()) == plan  # as it travels from the worker
    slow = dataclasses.replace(M, spent_seconds=32.0)  # 32 + 3.6 s > 30 × 1.15
    assert not timebox.plan(30.0, config(), None, slow).fits


def test_planned_config_reports_about_every_few_tenths_of_a_second():
    plan = timebox.plan(30.0, config(), None, M)
    planned = timebox.planned_config(config(progress_every=20), plan)
    assert (planned.train_size, planned.epochs) == (plan.train_size, plan.epochs)
    assert planned.progress_every == 20  # 0.4 s / 0.01 s = 40 updates, but never fewer reports than asked
    fast = dataclasses.replace(plan, measurement=dataclasses.replace(M, update_seconds=0.1))
    assert timebox.planned_config(config(progress_every=20), fast).progress_every == 4


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def progress(step, images_per_second, phase="batch"):
    return type("P", (), dict(phase=phase, step=step, samples_per_second=images_per_second))()


def test_deadline_leaves_time_for_the_test_evaluation_at_the_pace_seen_now():
    plan = timebox.plan(30.0, config(), None, M)
    c = timebox.planned_config(config(progress_every=10), plan)
    clock = Clock()
    deadline = timebox.Deadline(plan, c, started=100.0, clock=clock)
    # tail = 0.5 + 2 × 10,000 × 0.0001 = 2.5 s; one report interval = 10 × 0.01 = 0.1 s at the measured pace
    assert deadline.tail_seconds == pytest.approx(2.5)
    clock.now = 100.0 + 30.0 - 2.6 - 0.01
    assert not deadline.should_stop(progress(50, 10_000))  # 100 images / 0.01 s = measured pace
    clock.now = 100.0 + 30.0 - 2.6 + 0.01
    assert deadline.should_stop(progress(50, 10_000))
    # twice as slow now: the tail and the interval double → stop 2.6 s earlier
    clock.now = 100.0 + 30.0 - 5.2 + 0.01
    assert deadline.should_stop(progress(50, 5_000))
    clock.now = 100.0 + 30.0 - 5.2 - 0.01
    assert not deadline.should_stop(progress(50, 5_000))
    assert not deadline.should_stop(progress(50, 5_000, phase="epoch"))


def test_class_preset_uses_the_documents_model_with_fast_settings():
    preset = timebox.class_preset("colab_cnn")
    assert (preset.optimizer, preset.batch_size, preset.validation_split) == ("adam", 128, 0.1)
    assert preset.dropout == (0.5,) and preset.train_size == 60000
    assert preset.augment is True  # the class preset augments; the document settings do not
    for key in timebox.CLASS_PRESETS:
        timebox.class_preset(key).check()


def test_a_real_time_box_ends_near_its_budget():
    """As the page does it: through the queue; the worker builds, measures, plans and trains (loose bounds: shared CPU)."""
    manager = jobs.JobManager(max_running=1)
    preset = timebox.class_preset("lenet5")
    manager.submit("tb", preset, label="tb", budget=15.0)
    assert manager.wait_idle(240)
    job = manager.take("tb")
    assert job.state == "completed", job.error
    assert 1000 <= job.plan.train_size <= 60000 and job.plan.epochs >= 1
    assert job.config.train_size == job.plan.train_size and job.config.epochs == job.plan.epochs
    assert job.plan.measurement.update_seconds > 0 and job.plan.measurement.forward_seconds > 0
    if job.plan.fits:
        assert 0.5 * 15 <= job.wall_seconds <= 1.35 * 15, (job.wall_seconds, job.plan)
    else:  # a machine so busy that even the smallest run is predicted past the budget: it trains that run
        assert (job.plan.train_size, job.plan.epochs) == (timebox.MIN_IMAGES, 1), job.plan
    # how much it learns depends on the CPU it got (900 images on a loaded machine, 0.44): the count
    # of images seen decides what it can reach, so ask for learning at all (chance is 0.1)
    assert job.result.samples_seen > 0 and job.result.test_accuracy > 0.2, job.result
    assert math.isfinite(job.result.test_loss)
