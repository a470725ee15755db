"""The time box: the teacher gives seconds, the studio picks the training subset and epochs.

It first measures the worker that will train, now (other students may be training too):

* one training update at the chosen batch size (``core.training.engine.measure_batch_seconds``),
* the start-up a run pays before its first update (building, tracing),
* one image through the network without training (validation, test evaluation, predictions).

A run of ``n`` images for ``E`` epochs then costs about

    start-up + E × (ceil(n_fit / B) × t_update + n_val × t_forward) + test evaluation + test predictions

and the plan picks the most images (up to all 60,000) and then the fewest epochs that fill what
is left of the budget after measuring (aiming a little past it, ``AIM``).

A shared classroom server does not keep the pace it had while measuring, so a ``Deadline``
watches the run: when the time left would no longer cover the test evaluation and predictions
(at the pace seen now), it ends training there, possibly inside the last epoch, and the run
is reported as completed by the time box. Everything from the first measurement to the last
test prediction counts, so the wall time the student sees is what is compared with the budget.
"""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np

MIN_IMAGES = 1000
MAX_IMAGES = 60000
MAX_EPOCHS = 50
TEST_IMAGES = 10000
MEASURE_BATCHES = 10
BUDGETS = (30, 60, 120, 300)  # seconds offered on the page
AIM = 1.25  # plan for slightly more than the budget; the deadline ends the run on time
REPORT_SECONDS = 0.4  # a time-boxed run reports (and checks its deadline) about this often


@dataclass(frozen=True)
class Measurement:
    """Seconds measured on the training worker for one configuration (model and batch size)."""

    update_seconds: float  # one weight update of batch_size images
    startup_seconds: float  # what a run pays before its first update (tracing the training step)
    forward_seconds: float  # one image through the network, no training (evaluation)
    eval_startup_seconds: float  # tracing evaluation and prediction once
    spent_seconds: float  # how long measuring took (part of the budget)


@dataclass(frozen=True)
class Plan:
    """What the time box chose, and why."""

    budget: float
    train_size: int
    epochs: int
    predicted_seconds: float  # measuring + the planned run, start to last test prediction
    fits: bool  # False when even one epoch of 1,000 images does not fit the budget
    measurement: Measurement

    def to_dict(self) -> dict:
        values = dataclasses.asdict(self)
        values["measurement"] = dataclasses.asdict(self.measurement)
        return values

    @classmethod
    def from_dict(cls, values: dict) -> "Plan":
        """The inverse of ``to_dict`` (a plan travels from the worker as plain values)."""
        return cls(**{**values, "measurement": Measurement(**values["measurement"])})


def run_seconds(config, train_size: int, epochs: int, m: Measurement) -> float:
    """Predicted seconds of one run (train + test evaluation + test predictions), measuring excluded."""
    planned = dataclasses.replace(config, train_size=train_size, epochs=epochs)
    _, n_val = planned.split_sizes()
    per_epoch = planned.batches_per_epoch() * m.update_seconds + n_val * m.forward_seconds
    tests = 2 * TEST_IMAGES * m.forward_seconds  # model.evaluate, then the predictions for the charts
    return m.startup_seconds + epochs * per_epoch + m.eval_startup_seconds + tests


def choose(budget_left: float, config, m: Measurement,
           max_images: int = MAX_IMAGES, min_images: int = MIN_IMAGES) -> tuple[int, int]:
    """(train_size, epochs) whose predicted run fills ``budget_left`` seconds.

    Image-epochs affordable A = (budget − fixed costs) / cost of one image-epoch; as many images
    as possible (fresh data teaches more than repeats), then E = ceil(A / max_images) epochs of
    A / E images each, rounded down to hundreds.
    """
    fixed = run_seconds(config, max_images, 0, m)
    split = config.validation_split
    per_image_epoch = (1 - split) * m.update_seconds / config.batch_size + split * m.forward_seconds
    affordable = max(0.0, budget_left - fixed) / per_image_epoch
    if affordable <= min_images:
        return min_images, 1
    epochs = min(MAX_EPOCHS, math.ceil(affordable / max_images))
    size = int(min(max_images, affordable / epochs) // 100 * 100)
    size = max(min_images, size)
    # the ceil of updates per epoch can push past the budget at small sizes: step back if so
    while size > min_images and run_seconds(config, size, epochs, m) > budget_left:
        size -= 100
    return size, epochs


def measure(config, mnist, batches: int = MEASURE_BATCHES, model=None) -> Measurement:
    """Measure this machine for ``config`` (a few seconds; uses core.training.engine, so TensorFlow).

    ``model``: the compiled model that will be trained, if it exists already. Its evaluation is
    timed on it (that traces its test step once, which the run then reuses); otherwise a
    throw-away model is built for that.
    """
    from core.training import engine

    begun = time.perf_counter()
    update = engine.measure_batch_seconds(config, mnist, batches=batches)
    measured_fit = time.perf_counter() - begun
    # what that call paid beyond its timed updates (build, tracing, 2 warm-up batches) is what
    # a real run pays before its steady pace
    startup = max(0.0, measured_fit - batches * update)

    traces_left = 1 if model is not None else 2  # the predictions are traced in the run in any case
    model = model if model is not None else engine.build_model(config)
    x = (mnist.x_test[:2000].astype(np.float32) / 255.0)[..., np.newaxis]
    y = np.eye(10, dtype=np.float32)[mnist.y_test[:2000]]
    clock = time.perf_counter()
    model.evaluate(x[:1000], y[:1000], batch_size=1000, verbose=0)  # traces, then 1,000 images
    first = time.perf_counter() - clock
    clock = time.perf_counter()
    model.evaluate(x, y, batch_size=1000, verbose=0)  # 2,000 images at the steady pace
    forward = (time.perf_counter() - clock) / 2000
    eval_startup = traces_left * max(0.0, first - 1000 * forward)
    return Measurement(update, startup, forward, eval_startup, time.perf_counter() - begun)


def plan(budget: float, config, mnist, measurement: Measurement | None = None, model=None) -> Plan:
    """Measure, then choose subset and epochs so that measuring + the run take about ``budget`` seconds."""
    m = measurement or measure(config, mnist, model=model)
    size, epochs = choose(budget * AIM - m.spent_seconds, config, m)
    predicted = m.spent_seconds + run_seconds(config, size, epochs, m)
    smallest = m.spent_seconds + run_seconds(config, MIN_IMAGES, 1, m)
    return Plan(budget=float(budget), train_size=size, epochs=epochs, predicted_seconds=predicted,
                fits=smallest <= budget * 1.15, measurement=m)


def planned_config(config, p: Plan):
    """``config`` with the plan's subset and epochs, reporting about every ``REPORT_SECONDS``."""
    every = max(1, min(config.progress_every, round(REPORT_SECONDS / max(p.measurement.update_seconds, 1e-6))))
    return dataclasses.replace(config, train_size=p.train_size, epochs=p.epochs, progress_every=every)


class Deadline:
    """Says when to end a time-boxed run's training so that the whole run ends on the budget.

    ``started`` is the ``clock()`` reading when the time box began (before measuring). At each
    batch report: the pace now (seconds per update, from the report's samples per second) gives
    a slowdown against the measurement; the test evaluation and predictions still to come take
    their measured time × that slowdown. Training stops when now + that + one more report
    interval would pass ``started + budget``.
    """

    def __init__(self, p: Plan, config, started: float, clock=time.perf_counter):
        self.plan = p
        self.config = config
        self.started = started
        self.clock = clock
        m = p.measurement
        self.tail_seconds = m.eval_startup_seconds + 2 * TEST_IMAGES * m.forward_seconds

    def slowdown(self, progress) -> float:
        """Pace now ÷ pace measured (1 until the pace is known: the first batch includes tracing)."""
        if progress.step <= 1 or not progress.samples_per_second or progress.samples_per_second <= 0:
            return 1.0
        update_now = self.config.batch_size / progress.samples_per_second
        return min(3.0, max(0.5, update_now / self.plan.measurement.update_seconds))

    def should_stop(self, progress) -> bool:
        if progress.phase != "batch":
            return False
        slow = self.slowdown(progress)
        interval = self.config.progress_every * self.plan.measurement.update_seconds * slow
        end = self.clock() + self.tail_seconds * slow + interval
        return end >= self.started + self.plan.budget


# The "class preset": settings that learn fast on a CPU, for a lesson's time box. Adam with a
# batch of 128 reaches about 98.5 % on the test set in well under a minute (bench/time_box.py).
CLASS_PRESETS = {
    "lenet5": {"optimizer": "adam", "learning_rate": 0.002, "batch_size": 128, "epochs": 3},
    "keras_mnist_cnn": {"optimizer": "adam", "learning_rate": 0.001, "batch_size": 128, "epochs": 1},
    "qiita_cnn": {"optimizer": "adam", "learning_rate": 0.001, "batch_size": 128, "epochs": 2},
    "three_conv": {"optimizer": "adam", "learning_rate": 0.001, "batch_size": 128, "epochs": 1},
    "colab_cnn": {"optimizer": "adam", "learning_rate": 0.002, "batch_size": 128, "epochs": 3},
}


def class_preset(key: str):
    """The class preset of a registry model as a TrainConfig (document dropout, 10 % validation,
    canvas-like augmentation: +1.35 CPU s per 10,800 images, about +20 s for the 3 epochs of colab_cnn)."""
    from core.training import engine

    config = engine.TrainConfig.document(key)
    return dataclasses.replace(config, **CLASS_PRESETS[key], validation_split=0.1, train_size=MAX_IMAGES,
                               augment=True)
