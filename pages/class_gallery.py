"""The class gallery (teacher, behind the class PIN): the class's drawings as a test set for every model.

Document 001 warns that hand-drawn digits fail often; this page shows how often, on the class's
own handwriting. Everything heavy is cached by the pool's version (it changes with each send,
hide or clear) or by content, and each model reads a drawing once (core.gallery.ReadingMemo).
"""
import functools
import time

import numpy as np
import pandas as pd
import streamlit as st

from core import gallery
from core.charts import gallery as charts
from core.charts.style import NO_BAR
from core.lab import catalog as lab_models
from core.ui import class_models, guess_then_reveal, hidden_captions, shared_chart, shipped_model, tr
from models.zoo import REGISTRY

T = "class_gallery."
TRIES = 5  # wrong PINs in a row before a pause
PAUSE = 60  # seconds
SHOWN_WRONG = 60

st.title("🖼️ " + tr(T + "title"))
st.caption(tr(T + "intro"))


def unlock() -> None:
    """The PIN form; a wrong PIN costs a second, and every TRIES-th wrong one a pause of PAUSE s."""
    st.info(tr(T + "pin_where"))
    wait = st.session_state.get("gallery_pin_until", 0.0) - time.time()
    with st.form("gallery_pin", clear_on_submit=True):
        given = st.text_input(tr(T + "pin_label"), type="password", max_chars=32, key="gallery_pin_text")
        sent = st.form_submit_button(tr(T + "pin_button"), type="primary")
    if not sent:
        return
    if wait > 0:
        st.error(tr(T + "pin_locked", seconds=int(wait) + 1))
    elif not given.strip():
        st.warning(tr(T + "pin_empty"))
    elif gallery.pin_matches(given, gallery.teacher_pin()):
        st.session_state["gallery_unlocked"] = True
        st.session_state["gallery_pin_fails"] = 0
        st.rerun()
    else:
        time.sleep(1.0)  # this session's thread only: guessing gets slow
        fails = st.session_state.get("gallery_pin_fails", 0) + 1
        st.session_state["gallery_pin_fails"] = fails % TRIES
        if fails >= TRIES:
            st.session_state["gallery_pin_until"] = time.time() + PAUSE
            st.error(tr(T + "pin_locked", seconds=PAUSE))
        else:
            st.error(tr(T + "pin_wrong", left=TRIES - fails))


if not st.session_state.get("gallery_unlocked"):
    unlock()
    st.stop()


@st.cache_resource(show_spinner=False, max_entries=2)
def pool_at(folder: str, version: int) -> tuple[gallery.Pool, gallery.Pool]:
    """(every drawing with its raw canvas, the visible ones) at one version of the pool."""
    everything = gallery.Gallery(folder).pool(include_hidden=True, with_raw=True)
    return everything, everything.visible()


@st.cache_resource(show_spinner=False, max_entries=64)
def memo(token: str) -> gallery.ReadingMemo:
    return gallery.ReadingMemo()


@st.cache_resource(show_spinner=False, max_entries=128)
def evaluation(_model, token: str, folder: str, version: int) -> gallery.Evaluation:
    """How one model reads the visible pool; only drawings it has not read before go through it."""
    visible = pool_at(folder, version)[1]
    return gallery.evaluate(memo(token).predict_fn(visible.ids, gallery.keras_predict_fn(_model)), visible)


@st.cache_resource(show_spinner=False)
def thumbnails() -> dict:
    """id → (drawn, prepared) data URLs for the hide table, server-wide: an entry never changes."""
    return {}


def models() -> list[dict]:
    """The shipped models whose weights load, then the models trained in this server's studio."""
    found = []
    for key, seed in REGISTRY.items():
        stamp = lab_models.weights_stamp(key)
        if stamp is None:
            continue
        model, why = shipped_model(key, stamp)
        if model is None:
            st.warning(tr(T + "unavailable", name=tr(f"models.{key}.name"), detail=why))
            continue
        found.append({"name": tr(f"models.{key}.name"), "doc": seed.doc, "model": model, "token": f"{key}:{stamp}",
                      "mnist": lab_models.recorded_accuracy(key, None)})
    for label, model in list(class_models().items()):
        found.append({"name": tr(T + "trained_prefix") + label, "doc": "", "model": model,
                      "token": f"class:{label}:{id(model)}", "mnist": None})
    return found


def apply_hidden(editor_key: str, ids: list[int]) -> None:
    """The hide table's callback: store each ticked or unticked "hidden" box (row → entry id)."""
    store = gallery.Gallery()
    for row, change in st.session_state[editor_key]["edited_rows"].items():
        if "hidden" in change:
            store.set_hidden(ids[int(row)], bool(change["hidden"]))


store = gallery.Gallery()
folder, version = str(store.folder), store.version()
everything, visible = pool_at(folder, version)

top = st.columns(5, vertical_alignment="bottom")
top[0].metric(tr(T + "total"), len(visible))
top[1].metric(tr(T + "hidden"), len(everything) - len(visible))
top[2].metric(tr(T + "room"), max(0, store.limit - len(everything)))
top[3].button(tr(T + "refresh"), key="gallery_refresh")
if top[4].button(tr(T + "lock"), key="gallery_lock"):
    st.session_state["gallery_unlocked"] = False
    st.rerun()
if "gallery_cleared" in st.session_state:
    st.success(tr(T + "cleared", n=st.session_state.pop("gallery_cleared")))

st.subheader(tr(T + "counts_header"))
counts = np.bincount(visible.digits, minlength=10)
for column, digit in zip(st.columns(10), range(10)):
    column.metric(str(digit), int(counts[digit]))
st.caption(tr(T + "counts_caption"))
if len(visible) == 0:
    st.info(tr(T + "empty_pool"))


@st.fragment
def one_model(readers: list[dict], visible: gallery.Pool) -> None:
    """Confusion matrix and misread drawings of the model picked (a pick reruns only this part)."""
    pick = st.selectbox(tr(T + "pick_model"), range(len(readers)), format_func=lambda i: readers[i]["name"],
                        key="gallery_pick")
    result = readers[pick]["result"]
    st.subheader(tr(T + "matrix_header"))
    st.caption(tr(T + "matrix_caption"))
    st.plotly_chart(shared_chart(charts.confusion_figure)(result.confusion, tr(T + "axis_read"), tr(T + "axis_meant")),
                    config=NO_BAR, key="gallery_matrix")
    st.subheader(tr(T + "wrong_header"))
    if not result.wrong:
        st.success(tr(T + "wrong_none"))
        return
    shown = sorted(result.wrong, key=lambda w: (w[1], w[0]))[:SHOWN_WRONG]
    row_of = {int(entry): k for k, entry in enumerate(visible.ids)}
    st.caption(tr(T + "wrong_caption", n=len(result.wrong), shown=len(shown)))
    revealed = guess_then_reveal("gallery_reveal")
    captions = [tr(T + "wrong_item", meant=w[1], read=w[2]) for w in shown] if revealed else hidden_captions(len(shown))
    st.plotly_chart(shared_chart(charts.misread_figure)(visible.images[[row_of[w[0]] for w in shown]], captions),
                    config=NO_BAR, key="gallery_wrong")


def models_tab() -> None:
    """Every model's accuracy on the pool beside its MNIST test accuracy, then one model in detail."""
    st.caption(tr(T + "models_caption"))
    with st.spinner(tr(T + "reading")):
        readers = models()
        for each in readers:
            each["result"] = evaluation(each["model"], each["token"], folder, version)
    if not readers:
        st.warning(tr(T + "no_models"))
        return
    names = [each["name"] for each in readers]
    st.plotly_chart(shared_chart(charts.accuracy_figure)(
        names, [each["result"].accuracy for each in readers], [each["mnist"] for each in readers],
        {"pool": tr(T + "bar_pool"), "mnist": tr(T + "bar_mnist"), "axis": tr(T + "bar_axis")}),
        config=NO_BAR, key="gallery_accuracy")
    st.dataframe(pd.DataFrame({
        tr(T + "col_model"): names, tr(T + "col_doc"): [each["doc"] for each in readers],
        tr(T + "col_pool"): [round(100 * each["result"].accuracy, 1) for each in readers],
        tr(T + "col_mnist"): [None if each["mnist"] is None else round(100 * each["mnist"], 2) for each in readers],
        tr(T + "col_wrong"): [f"{len(each['result'].wrong)} / {each['result'].total}" for each in readers],
    }), hide_index=True)
    one_model(readers, visible)


def pool_tab() -> None:
    """The visible drawings as one PNG strip per digit, each built once per content: a send
    re-encodes only its digit's strip."""
    st.caption(tr(T + "grid_caption"))
    for digit in np.flatnonzero(counts):
        label, picture = st.columns([1.3, 12])
        label.markdown(tr(T + "grid_row", digit=int(digit), n=int(counts[digit])))
        strip = shared_chart(charts.digit_strip)(visible.images[visible.digits == digit])
        picture.image(strip, output_format="PNG")  # "auto" would re-encode it as a JPEG each run


def hide_tab() -> None:
    """One digit's drawings (hidden ones too) with a "hidden" tick box each: one click hides or shows."""
    st.caption(tr(T + "hide_caption"))
    digit = st.selectbox(tr(T + "hide_digit"), range(10), key="gallery_hide_digit")
    table, ids = charts.hide_table(everything, digit, thumbnails())
    if not ids:
        st.info(tr(T + "hide_none"))
        return
    editor = f"gallery_hide_{digit}_{version}"  # a new table after every change: no stale edits
    st.data_editor(table, key=editor, hide_index=True, on_change=apply_hidden, args=(editor, ids), row_height=64,
                   height=min(600, 40 + 64 * len(ids)),
                   disabled=["drawn", "seen", "meant", "time"], column_config={
                       "drawn": st.column_config.ImageColumn(tr(T + "col_drawn")),
                       "seen": st.column_config.ImageColumn(tr(T + "col_seen")),
                       "meant": st.column_config.NumberColumn(tr(T + "col_meant")),
                       "time": st.column_config.TextColumn(tr(T + "col_time")),
                       "hidden": st.column_config.CheckboxColumn(tr(T + "col_hidden")),
                   })


def keep_tab() -> None:
    """Download the visible pool as .npz; clear everything after a confirmation."""
    st.caption(tr(T + "download_help"))
    st.download_button(tr(T + "download"), functools.partial(gallery.export_npz, visible),  # built on click
                       file_name="class_gallery.npz",
                       mime="application/octet-stream", on_click="ignore", key="gallery_download")
    if st.button(tr(T + "clear"), key="gallery_clear"):
        st.session_state["gallery_confirm_clear"] = True
    if st.session_state.get("gallery_confirm_clear"):
        st.warning(tr(T + "clear_confirm", n=len(everything)))
        yes, no = st.columns(2)
        if yes.button(tr(T + "clear_yes"), type="primary", key="gallery_clear_yes"):
            st.session_state["gallery_confirm_clear"] = False
            st.session_state["gallery_cleared"] = store.clear()
            st.rerun()
        if no.button(tr(T + "clear_no"), key="gallery_clear_no"):
            st.session_state["gallery_confirm_clear"] = False
            st.rerun()


if len(everything):
    tabs = st.tabs([tr(T + "tab_models"), tr(T + "tab_pool"), tr(T + "tab_hide"), tr(T + "tab_keep")])
    if len(visible):
        with tabs[0]:
            models_tab()
        with tabs[1]:
            pool_tab()
    with tabs[2]:
        hide_tab()
    with tabs[3]:
        keep_tab()
