"""Training studio: train the documents' CNNs live, watch them learn, stop, compare and keep them.

The training runs in core.training.jobs (a server-wide queue of Dask tasks on worker processes, so
TensorFlow stays out of this server until a trained model comes back); this page only lays out
settings, polls the job from a fragment, and shows the results of this session's runs.
"""
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from core import gallery, links
from core.charts import digits
from core.charts import training as charts
from core.training import jobs
from core.training import studio
from core.training import timebox
from core.lab import explain
from core.streamlit_patches import current_session_id, session_alive
from core.training.augment import CANVAS_LIKE
from core.training.engine import ConfigError, TrainConfig
from core.ui import (augmentation_text, guess_then_reveal, hidden_captions, lang, mnist_or_stop, register_class_model, shared_chart, tr,
                     tr_list)
from models import documents
from models.zoo import REGISTRY, pretrained_meta

T = "training_studio."
CLASS_SHOWN_WRONG = 24  # misread class drawings shown under a kept run


SID = current_session_id()
manager = jobs.shared(liveness=session_alive)
S = st.session_state.setdefault("studio_settings", studio.settings_from_config(TrainConfig.document("colab_cnn")))
S.setdefault("budget", 0)
S.setdefault("tensorboard", False)
measured: dict = st.session_state.setdefault("studio_measured", {})  # (key, batch size) → seconds per update
runs: list = st.session_state.setdefault("studio_runs", [])
trained: dict = st.session_state.setdefault("trained_models", {})


def wkey(name: str) -> str:
    """A widget's key, per language: a radio or selectbox reports its value by its label, and a label
    that changed with the language would come back as a plain string."""
    return f"_studio_{name}__{lang()}"


def widget(name: str, value=None) -> str:
    """A widget key seeded from the kept settings (widget state is dropped when the student leaves the page)."""
    key = wkey(name)
    if key not in st.session_state:
        st.session_state[key] = S[name] if value is None else value
    return key


def linked_widget(name: str, check: links.Check) -> str:
    """``widget(name)`` kept in the URL (core.links); a value that came with a link goes into the settings
    too (a widget's on_change runs only for a student's own change)."""
    key = links.linked(widget(name), check)
    S[name] = st.session_state[key]
    return key


def setting(name: str, check: links.Check) -> tuple[str, object]:
    """(key, value) of a settings widget, to give it both: a widget first drawn in the browser after a
    rerun (its script loads on demand, late on a busy server) shows the value it is given, else its
    minimum, which the next click would send back (and Start would train with)."""
    key = linked_widget(name, check)
    return key, S[name]


def keep(name: str) -> None:
    S[name] = st.session_state[wkey(name)]


def keep_dropout(index: int) -> None:
    S["dropout"][index] = st.session_state[wkey(f"dropout_{index}")]


def load(config: TrainConfig) -> None:
    """Put a config into the sliders (document settings, class preset, another model)."""
    S.update(studio.settings_from_config(config))
    for name in ("key", "epochs", "batch_size", "optimizer", "learning_rate", "train_size", "validation_split", "seed",
                 "augment"):
        st.session_state[wkey(name)] = S[name]
    for index, rate in enumerate(S["dropout"]):
        st.session_state[wkey(f"dropout_{index}")] = rate


def collect() -> None:
    """Take this session's finished job from the queue and keep its record (and model)."""
    job = manager.take(SID)
    if job is not None:
        st.session_state["studio_counter"] = st.session_state.get("studio_counter", 0) + 1
        studio.collect(job, st.session_state["studio_counter"], runs, trained, tensorboard=S["tensorboard"])
        offer_to_class_gallery()


def offer_to_class_gallery() -> None:
    """The teacher's class gallery measures this session's kept models too (registering one twice is a no-op)."""
    for label, entry in trained.items():
        if entry.get("model") is not None:
            register_class_model(label, entry["model"])


@st.cache_data(show_spinner=False)
def layer_rows(key: str) -> list[dict]:
    """The architecture table of a model without a shipped JSON (builds it: TensorFlow)."""
    from models import zoo

    return zoo.layer_table(zoo.build(key))


def section(title: str):
    """A titled section; folded into an expander while a training runs."""
    if busy:
        return st.expander(title, expanded=False)
    box = st.container()
    box.header(title)
    return box


def document_code(key: str) -> None:
    """The document's Keras listing (corrected, ✎ marks), the result it reported, and its errors explained."""
    doc, D = REGISTRY[key].doc, "documents.listing."
    with st.expander("📄 " + tr(D + "title", doc=doc)):
        reported = documents.REPORTED[key]
        if reported.test_accuracy is None:
            st.markdown(tr(D + "reported_none", doc=doc))
        else:
            st.markdown(tr(D + "reported", doc=doc, accuracy=f"{reported.test_accuracy * 100:.2f}",
                           loss=f"{reported.test_loss:.4f}"))
        st.caption(tr(D + "caption"))
        st.code(documents.listing(key), language="python")
        st.markdown(f"**{tr(D + 'notes_title')}**")
        st.markdown("\n".join(f"- {note}" for note in tr_list(D + f"notes.{key}")))
        if REGISTRY[key].defaults.validation == "test":
            st.info(tr(D + "test_as_validation"))


overfit_chart = shared_chart(charts.overfit_figure)


@st.fragment
def overfitting() -> None:
    """002's train-vs-test argument with its numbers beside this session's runs, and 004's curves of one run."""
    O = "documents.overfit."
    st.header(tr(O + "title"))
    st.markdown(tr(O + "intro"))
    doc = documents.REPORTED["qiita_cnn"]
    st.markdown(tr(O + "doc_002", train_loss=f"{doc.train_loss:.4f}", train_accuracy=f"{doc.train_accuracy * 100:.1f}",
                   test_loss=f"{doc.test_loss:.4f}", test_accuracy=f"{doc.test_accuracy * 100:.2f}",
                   gap=f"{documents.gap_points(doc.train_accuracy, doc.test_accuracy):.2f}"))
    checked = [(r, seen) for r in runs if (seen := studio.generalisation(r)) is not None]
    if not checked:
        st.info(tr(O + "no_runs"))
        st.caption(tr(O + "doc_002_note"))
        return
    verdicts = {name: tr(O + f"verdict_{name}") for name in ("fine", "gap", "rising")}
    doc_row = {"label": tr(O + "doc_row"), "train_loss": doc.train_loss, "train_accuracy": doc.train_accuracy,
               "val_accuracy": None, "test_loss": doc.test_loss, "test_accuracy": doc.test_accuracy,
               "gap": documents.gap_points(doc.train_accuracy, doc.test_accuracy), "verdict": "fine"}
    table = pd.DataFrame([studio.generalisation_row(row, verdicts) for row in [doc_row] + [s for _, s in checked]])
    st.table(table.rename(columns=dict(zip(table.columns, tr_list(O + "columns")))).set_index(tr_list(O + "columns")[0]))
    st.caption(tr(O + "table_caption", limit=f"{studio.OVERFIT_GAP_POINTS:g}") + " " + tr(O + "doc_002_note"))
    labels = {name: tr(O + name) for name in ("loss", "accuracy", "epoch", "train", "validation", "test")}
    by_label = {r.label: r for r, _ in checked}
    chosen = by_label[st.selectbox(tr(O + "pick"), list(by_label)[::-1], key="studio_overfit_run")]
    st.plotly_chart(overfit_chart(studio.epoch_rows(chosen), labels, (chosen.test_loss, chosen.test_accuracy)),
                    key="studio_overfit_figure")
    st.caption(tr(O + "figure_caption"))
    if not any(row[3] is not None for row in studio.epoch_rows(chosen)):
        st.caption(tr(O + "no_validation"))


@st.fragment
def wrong_gallery(index: int, images, captions: tuple, count: int) -> None:
    """The run's misclassified test images, labels hidden until the student has guessed (reruns alone)."""
    st.markdown("**" + tr(T + "wrong_title", count=f"{count:,}") + "**")
    shown = list(captions) if guess_then_reveal(f"studio_reveal_{index}") else hidden_captions(len(captions))
    st.plotly_chart(digits.gallery_figure(images, shown, columns=4), key="gallery_wrong")


st.title("🏋️ " + tr("nav.training_studio"))
st.markdown(tr(T + "intro"))
mnist = mnist_or_stop()
collect()
view = manager.poll(SID)
busy = view is not None and view.active

# --- the settings, inside section 2 (a fragment in a fragment: a slider reruns only them and their numbers)
@st.fragment
def settings(key: str, busy: bool) -> None:
    """The training settings, and the numbers they make (images, updates, time); the start button
    below reads the settings kept in ``S`` when it is pressed."""
    b1, b2, _ = st.columns([1, 1, 2])
    b1.button("📜 " + tr(T + "document_button"), disabled=busy, on_click=lambda: load(TrainConfig.document(key)))
    b2.button("🎓 " + tr(T + "preset_button"), disabled=busy, on_click=lambda: load(timebox.class_preset(key)))
    c1, c2 = st.columns(2)
    with c1:
        wk, value = setting("epochs", links.choices(studio.EPOCH_CHOICES))
        st.select_slider(tr(T + "epochs"), studio.EPOCH_CHOICES, value, key=wk, on_change=keep, args=("epochs",), disabled=busy)
        wk, value = setting("batch_size", links.choices(studio.BATCH_CHOICES))
        st.select_slider(tr(T + "batch_size"), studio.BATCH_CHOICES, value, key=wk, on_change=keep, args=("batch_size",),
                         disabled=busy)
        wk, value = setting("optimizer", links.choices(studio.OPTIMIZERS))
        st.radio(tr(T + "optimizer"), studio.OPTIMIZERS, studio.OPTIMIZERS.index(value), key=wk, on_change=keep,
                 args=("optimizer",), horizontal=True, disabled=busy,
                 format_func={o: tr(T + f"optimizer_{o}") for o in studio.OPTIMIZERS}.get)
        wk, value = setting("learning_rate", links.choices(studio.LR_CHOICES))
        st.select_slider(tr(T + "learning_rate"), studio.LR_CHOICES, value, key=wk, on_change=keep,
                         args=("learning_rate",), format_func=lambda v: f"{v:g}", disabled=busy,
                         help=tr(T + "learning_rate_help"))
    with c2:
        wk, value = setting("train_size", links.number(1000, 60000, 1000))
        st.slider(tr(T + "train_size"), 1000, 60000, value, 1000, key=wk, on_change=keep, args=("train_size",),
                  disabled=busy)
        wk, value = setting("validation_split", links.number(0.0, 0.5, 0.05))
        st.slider(tr(T + "validation_split"), 0.0, 0.5, value, 0.05, key=wk, on_change=keep,
                  args=("validation_split",), disabled=busy, format="%.2f")
        for i, rate in enumerate(S["dropout"]):
            st.slider(tr(T + "dropout", n=i + 1), 0.0, 0.9, rate, 0.05, key=widget(f"dropout_{i}", rate),
                      on_change=keep_dropout, args=(i,), disabled=busy)
        wk, value = setting("seed", links.number(0, 9999, 1))
        st.number_input(tr(T + "seed"), 0, 9999, value, 1, key=wk, on_change=keep, args=("seed",), disabled=busy)
        wk, value = setting("augment", links.flag(default=None))
        st.toggle(tr(T + "augment"), value, key=wk, on_change=keep, args=("augment",), disabled=busy,
                  help=tr(T + "augment_help", recipe=augmentation_text(CANVAS_LIKE.describe())))

    config = studio.config_from_settings(S)
    here = measured.get((key, config.batch_size, config.augment))
    n = studio.numbers(config, studio.seconds_per_image(key, here, config.batch_size, config.augment))
    with st.container(border=True):
        st.markdown(tr(T + "numbers", n_fit=f"{n['n_fit']:,}", n_val=f"{n['n_val']:,}", batch=n["batch_size"],
                       updates=f"{n['updates_per_epoch']:,}", last=n["last_batch"], epochs=n["epochs"],
                       total=f"{n['updates']:,}", images=f"{n['images']:,}"))
        if n["seconds"] is not None:
            st.markdown(tr(T + "numbers_time", epoch=f"{n['seconds_per_epoch']:.1f}", total=f"{n['seconds']:.0f}",
                           minutes=f"{n['seconds'] / 60:.1f}"))
            st.caption(tr(T + ("numbers_measured" if here else "numbers_recorded"), batch=config.batch_size))
        st.caption(tr(T + "numbers_example"))
        if st.button("⏱️ " + tr(T + "measure", batch=config.batch_size), disabled=busy):
            status = manager.status()
            try:
                if status["running"] >= status["max_running"]:
                    raise jobs.ClusterBusy()
                with st.spinner(tr(T + "measuring_now")):
                    measured[(key, config.batch_size, config.augment)] = manager.measure(config)
                st.rerun()
            except jobs.ClusterBusy:
                st.warning(tr(T + "measure_busy"))


@st.fragment
def run_options(busy: bool) -> None:
    """The time box and the TensorBoard switch: kept in ``S`` for the start button (a change reruns only these)."""
    budgets = (0,) + timebox.BUDGETS
    st.radio(tr(T + "budget"), budgets, key=linked_widget("budget", links.choices(budgets, 0)), on_change=keep, args=("budget",), horizontal=True,
             disabled=busy, format_func={b: tr(T + "budget_off") if b == 0 else f"{b} s" for b in budgets}.get,
             help=tr(T + "budget_help"))
    st.checkbox(tr(T + "tensorboard"), key=widget("tensorboard"), on_change=keep, args=("tensorboard",), disabled=busy,
                help=tr(T + "tensorboard_help"))


# --- 1. the model and 2. its settings (while a run is on, they fold away so that the live view moves up) ---
@st.fragment
def model_and_settings(busy: bool) -> None:
    """The model's layers, document settings and listing, then the settings; choosing another model reruns
    these two sections, not the runs and results below."""
    with section(tr(T + "model_title") + (f": {S['key']}" if busy else "")):
        model_names = {k: f"{REGISTRY[k].doc} · {tr(f'models.{k}.name')} ({k})" for k in REGISTRY}  # (format_func runs
        # outside the script under AppTest, so the texts are looked up here)
        model_key = links.linked(widget("key"), links.choices(REGISTRY))
        if st.session_state[model_key] != S["key"]:  # a link's model: its document settings, as choosing it does
            load(TrainConfig.document(st.session_state[model_key]))
        st.selectbox(tr(T + "model"), list(REGISTRY), list(REGISTRY).index(S["key"]), key=model_key, disabled=busy,
                     format_func=model_names.get,
                     on_change=lambda: load(TrainConfig.document(st.session_state[wkey("key")])))
        key = S["key"]
        meta = pretrained_meta(key) or {}
        left, right = st.columns([3, 2])
        with left:
            rows = meta.get("layers") or layer_rows(key)
            st.dataframe(pd.DataFrame(rows).rename(columns=dict(zip(
                ("layer", "kind", "output_shape", "parameters"), tr_list(T + "layer_columns")))), hide_index=True)
            st.caption(tr(T + "parameters", count=f"{sum(row['parameters'] for row in rows):,}"))
        with right:
            d = REGISTRY[key].defaults
            st.markdown(tr(T + "document_settings_text", doc=REGISTRY[key].doc, optimizer=d.optimizer, lr=f"{d.learning_rate:g}",
                           batch=d.batch_size, epochs=d.epochs, validation=tr(T + f"doc_validation_{d.validation}")))
            if meta.get("seconds_per_epoch"):
                st.metric(tr(T + "seconds_per_epoch"), f"{meta['seconds_per_epoch']:.1f} s")
                st.caption(tr(T + "seconds_per_epoch_note", accuracy=f"{meta['test_accuracy'] * 100:.2f}"))
        document_code(key)
    with section(tr(T + "settings_title")):
        settings(key, busy)


model_and_settings(busy)

# --- 3. time box and start ---------------------------------------------------------------------
st.header(tr(T + "start_title"))
run_options(busy)
status = manager.status()
st.caption(tr(T + "server_status", running=status["running"], waiting=status["waiting"], k=status["max_running"]))
if st.button("▶️ " + tr(T + "start"), type="primary", disabled=busy):
    config = studio.config_from_settings(S)
    try:
        config.check()
        manager.submit(SID, config, label=studio.run_label(S["key"], st.session_state.get("studio_counter", 0) + 1),
                       budget=S["budget"] or None)
        S.pop("live_learning_rate", None)  # the new run starts at its own rate
        st.session_state.pop("_studio_live_lr", None)
        st.rerun()
    except ConfigError as error:
        st.error(tr(f"training.{error.key}", **error.values))
    except jobs.JobActive:
        st.warning(tr(T + "already_running"))


# --- 4. live ------------------------------------------------------------------------------------
def curve_labels() -> dict:
    return {name: tr(T + f"curve_{name}") for name in ("loss", "accuracy", "epoch", "train", "train_epoch", "validation")}


def change_learning_rate() -> None:
    S["live_learning_rate"] = st.session_state["_studio_live_lr"]
    manager.set_learning_rate(SID, S["live_learning_rate"])


@st.fragment(run_every=1.0)
def live() -> None:
    now = manager.poll(SID)
    if now is None or not now.active:
        st.rerun()  # the whole page collects the result
    if now.state == "queued":
        st.info("⏳ " + tr(T + "queued", position=now.position, waiting=now.queue_length, k=now.max_running))
        st.button("✖️ " + tr(T + "cancel"), on_click=manager.stop, args=(SID,))
        return
    p = now.progress
    if now.phase == "measuring":
        st.info("⏱️ " + tr(T + "measuring", budget=f"{now.budget:g}"))
    if now.plan is not None:
        st.info("⏱️ " + tr(T + "plan", budget=f"{now.plan.budget:g}", images=f"{now.plan.train_size:,}",
                          epochs=now.plan.epochs, update=f"{now.plan.measurement.update_seconds * 1000:.1f}",
                          measure=f"{now.plan.measurement.spent_seconds:.1f}"))
    if p is None:
        st.progress(0.0, text=tr(T + "phase_starting"))
    else:
        fraction, eta = studio.bar_position(now, time.time())
        text = tr(T + "progress", epoch=p.epoch, epochs=p.epochs, batch=p.batch, batches=p.batches_per_epoch,
                  eta=f"{eta:.0f}", speed=f"{p.samples_per_second:,.0f}", elapsed=f"{p.elapsed:.0f}")
        if now.phase in ("evaluating", "predicting", "receiving"):
            text = tr(T + f"phase_{now.phase}")
        st.progress(fraction, text=text)
    a, b = st.columns(2)
    stopping = now.stop_reason is not None or now.phase in ("evaluating", "predicting", "receiving")  # training is over
    a.button("⏹️ " + tr(T + "stop"), on_click=manager.stop, args=(SID,), disabled=stopping, type="primary")
    if stopping and now.stop_reason in ("student", "time_box"):
        a.caption(tr(T + f"stopping_{now.stop_reason}"))
    # given its value on every run, like the settings (see setting()): the rate chosen in this run, else its own
    chosen = S.setdefault("live_learning_rate", studio.nearest(now.config.learning_rate, studio.LR_CHOICES))
    b.select_slider(tr(T + "live_learning_rate"), studio.LR_CHOICES, chosen, key="_studio_live_lr",
                    format_func=lambda v: f"{v:g}", disabled=stopping, on_change=change_learning_rate)
    st.plotly_chart(charts.live_curves(now.curve, now.epochs, curve_labels(), now.config.epochs), key="live_curves")
    st.caption(tr(T + "server_status", running=now.running, waiting=now.queue_length, k=now.max_running))


if busy:
    st.subheader(tr(T + "live_title"))
    live()

# --- the class gallery as a second test set (a kept run, on demand) -----------------------------
@st.cache_resource(show_spinner=False, max_entries=2)
def class_pool(folder: str, version: int) -> gallery.Pool:
    """The gallery's visible drawings at one version of the pool, read once per server."""
    return gallery.Gallery(folder).pool()


@st.cache_resource(show_spinner=False, max_entries=64)
def class_memo(token: str) -> gallery.ReadingMemo:
    """One model's remembered answers by drawing id (a drawing never changes), server-wide."""
    return gallery.ReadingMemo()


@st.cache_resource(show_spinner=False, max_entries=64)
def class_reading(_model, token: str, folder: str, version: int) -> gallery.Evaluation:
    """How a kept model reads the pool, once per (model, pool version); after a new send only the new
    drawings go through the model (batched, core.lab.explain.predict_all)."""
    pool = class_pool(folder, version)
    return gallery.evaluate(class_memo(token).predict_fn(pool.ids, gallery.keras_predict_fn(_model)), pool)


@st.fragment
def class_gallery_check(record) -> None:
    """A kept run's accuracy, confusion matrix and misread drawings on the class's own handwriting."""
    st.subheader("🖼️ " + tr(T + "class_title"))
    st.caption(tr(T + "class_caption"))
    asked = st.session_state.setdefault("studio_class_asked", set())
    if record.label not in asked:  # the click's callback notes it before this part runs again
        st.button("🖼️ " + tr(T + "class_button"), key=f"studio_class_{record.index}", on_click=asked.add,
                  args=(record.label,))
        return
    store = gallery.Gallery()
    folder, version = str(store.folder), store.version()
    pool = class_pool(folder, version)
    if not len(pool):
        st.info(tr(T + "class_empty"))
        return
    with st.spinner(tr(T + "class_reading")):
        result = class_reading(record.model, f"studio:{record.label}:{id(record.model)}", folder, version)
    a, b, c = st.columns([1, 1, 1], vertical_alignment="bottom")
    a.metric(tr(T + "class_accuracy", n=result.total), f"{result.accuracy * 100:.1f} %")
    if record.test_accuracy is not None:
        b.metric(tr(T + "class_mnist"), f"{record.test_accuracy * 100:.2f} %")
    c.button("🔄 " + tr(T + "class_refresh"), key=f"studio_class_refresh_{record.index}")
    left, right = st.columns(2)
    with left:
        st.plotly_chart(shared_chart(digits.confusion_figure)(result.confusion, tr(T + "class_read"),
                                                              tr(T + "class_meant"), height=460),
                        key="studio_class_matrix")
        st.caption(tr(T + "class_matrix_note"))
    with right:
        if not result.wrong:
            st.success(tr(T + "class_none_wrong"))
            return
        images, pairs = gallery.misread(result, pool, CLASS_SHOWN_WRONG)
        st.markdown("**" + tr(T + "class_wrong_title", count=len(result.wrong), shown=len(pairs)) + "**")
        st.plotly_chart(shared_chart(digits.gallery_figure)(images, [f"{meant}→{read}" for meant, read in pairs],
                                                            columns=6), key="studio_class_wrong")


# --- 5. the latest run's results ----------------------------------------------------------------
if runs:
    record = runs[-1]
    st.header(tr(T + "results_title", label=record.label))
    said = studio.outcome(record)
    getattr(st, said.level)(" ".join(tr(key, **values) for key, values in said.boxed), icon=said.icon)
    for key, values in said.below:
        st.markdown(tr(key, **values))
    if record.state in ("completed", "stopped"):
        if record.plan:
            plan = record.plan
            st.info("⏱️ " + tr(T + "plan_result", budget=f"{plan['budget']:g}", images=f"{plan['train_size']:,}",
                              epochs=plan["epochs"], done=f"{record.epochs_done:.2f}", seconds=f"{record.wall_seconds:.1f}",
                              ratio=f"{record.wall_seconds / plan['budget']:.2f}"))
        if record.pending:
            st.markdown(tr(T + "keep_question"))
            k1, k2, _ = st.columns([1, 1, 3])
            if k1.button("💾 " + tr(T + "keep")):
                record.pending = False
                trained[record.label] = studio.trained_entry(record)
                offer_to_class_gallery()
                st.rerun()
            if k2.button("🗑️ " + tr(T + "discard")):
                studio.discard(record)
                st.rerun()
        if record.label in trained:
            st.caption("✏️ " + tr(T + "in_lab", label=record.label))
        if record.predictions is not None:
            pred, conf = record.predictions, record.confidence
            wrong, sample = studio.gallery_picks(mnist.y_test, pred, count=12, seed=record.index)
            left, right = st.columns(2)
            with left:
                st.plotly_chart(digits.confusion_figure(explain.confusion_matrix(mnist.y_test, pred),
                                                        tr(T + "predicted"), tr(T + "true"), height=460))
                st.caption(tr(T + "confusion_note"))
            wrong_captions, sample_captions, colors = studio.gallery_captions(mnist.y_test, pred, conf, wrong, sample)
            with right:
                wrong_gallery(record.index, mnist.x_test[wrong], tuple(wrong_captions), int((pred != mnist.y_test).sum()))
            st.markdown("**" + tr(T + "sample_title") + "**")
            st.plotly_chart(digits.gallery_figure(mnist.x_test[sample], sample_captions, columns=12, caption_colors=colors),
                            key="gallery_sample")
        if record.model is not None and record.label in trained:
            class_gallery_check(record)
        if record.model_bytes is not None:
            st.download_button("⬇️ " + tr(T + "download"), record.model_bytes,
                               file_name=f"{studio.file_stem(record.label)}.keras", mime="application/octet-stream")
        if record.logs:
            st.caption("📈 " + tr(T + "logs_written", folder=Path(record.logs).name))

# --- 6. this session's runs ---------------------------------------------------------------------
if runs:
    st.header(tr(T + "runs_title"))
    states = {name: tr(T + f"state_{name}") for name in studio.STATES}
    st.dataframe(studio.run_table(runs, dict(zip(studio.RUN_COLUMNS, tr_list(T + "run_columns"))), states),
                 hide_index=True)
    with_curves = [{"label": r.label, "points": r.points, "epochs": r.epochs} for r in runs if r.points]
    if with_curves:
        st.plotly_chart(charts.runs_overlay(with_curves, curve_labels()), key="runs_overlay")
    st.download_button("⬇️ " + tr(T + "download_csv"), studio.runs_csv(runs), file_name="training_runs.csv", mime="text/csv")

# --- 7. overfitting: the documents' checks on this session's runs ----------------------------------
overfitting()
