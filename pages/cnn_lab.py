"""CNN lab: draw a digit (or upload a picture), see the 28×28 the network gets, read its answer.

Document 004 ends with digits drawn by mouse; 001 warns that a digit shrunk whole, off-centre or
oddly sized, is misread. Beside the MNIST-way preparation the page shows that naive way.
The page is a fragment and so are its drawing and upload parts: a stroke reruns only the drawing
part, an upload only its own, a model choice the page but not the app around it; inside the drawing
part the send box and the pixel table rerun on their own.
"""
import numpy as np
import streamlit as st
from dojo_canvas import st_canvas  # streamlit-drawable-canvas, answering 30 ms after a stroke (vendor/)

from core.charts import answers, digits
from core.lab import catalog as lab_models
from core.lab import inference, preprocess, uploaded
from core.ui import (augmentation_text, augmented_models_text, file_uploader_texts, lang, model_name, model_picker,
                     send_to_class_box, shipped_model, tr)
from models.zoo import REGISTRY, pretrained_meta, shipped_augmentation

CANVAS_KEY = "lab_canvas"  # + "_<n>"; the clear button moves on to the next n
UPLOAD_TYPES = ["png", "jpg", "jpeg", "bmp", "gif", "webp"]


def every_model(options: list[str], trained: dict) -> dict:
    """Each option's model, or None when its weights are missing or damaged (for the side-by-side table)."""
    models = {}
    for option in options:
        if lab_models.is_trained(option):
            models[option] = trained[option[len(lab_models.TRAINED):]].get("model")
        else:
            stamp = lab_models.weights_stamp(option)
            models[option] = shipped_model(option, stamp)[0] if stamp else None
    return models


def token(option: str, model) -> str:
    """What identifies a model's answers in the caches: a shipped model's weights file, or the object."""
    stamp = None if lab_models.is_trained(option) else lab_models.weights_stamp(option)
    return f"{option}:{stamp}" if stamp else f"{option}:{id(model)}"


@st.cache_resource(show_spinner=False, max_entries=4)
def shipped_together(_models: tuple, tokens: tuple):
    """The shipped models as one Keras ensemble (one call per drawing), once per server and set of weights."""
    return inference.ensemble(list(_models))


@st.cache_resource(show_spinner=False, max_entries=32)
def speed(_model, model_token: str) -> float:
    """ms of one prediction, measured once per model (the table's column and the stroke caption)."""
    return inference.prediction_ms(_model)


@st.cache_data(show_spinner=False, max_entries=256)
def read_drawing(png: bytes):
    """(MNIST-way 28×28, naive 28×28) of the canvas' PNG, or None without ink; once per drawing."""
    try:
        return preprocess.read_canvas(png)
    except preprocess.EmptyDrawingError:
        return None


@st.cache_data(show_spinner=False, max_entries=1024)
def answers_of(_shipped, shipped_tokens: tuple, _trained: tuple, trained_tokens: tuple, ways: tuple) -> dict:
    """{model token: (2, 10) probabilities} of one drawing prepared both ways (MNIST way, naive), for every
    usable model; once per drawing, the shipped models in one call.

    A pen, toggle or model change reruns the drawing part without a new drawing: these come from here.
    """
    images = np.stack(ways)
    found = {}
    if _shipped is not None:
        found.update(zip(shipped_tokens, inference.ensemble_proba(_shipped, images)))
    for model, each in zip(_trained, trained_tokens):
        found[each] = inference.predict_proba(model, images)
    return found


def facts(option: str, trained: dict, model) -> dict:
    """Name, document, parameters, test accuracy and ms per prediction of an option, for the side-by-side table."""
    key = lab_models.architecture(option, trained)
    meta = {} if lab_models.is_trained(option) else (pretrained_meta(option) or {})
    name = model_name(option) + ("" if model is not None else tr("cnn_lab.unavailable_suffix"))
    return {"name": name, "doc": REGISTRY[key].doc if key in REGISTRY else "",
            "parameters": meta.get("parameters") or (model.count_params() if model is not None else None),
            "accuracy": lab_models.recorded_accuracy(option, trained),
            "ms": None if model is None else speed(model, token(option, model))}


@st.cache_data(show_spinner=False, max_entries=8)
def prepared_upload(data: bytes):
    """(28×28, None) or (None, (i18n key, values)) for an uploaded file's bytes."""
    try:
        return preprocess.image_to_mnist(data), None
    except preprocess.ImageError as error:
        return None, (error.key, error.values)


@st.cache_data(show_spinner=False, max_entries=8)
def upload_preview(data: bytes):
    return digits.thumbnail(data)


def clear_canvas() -> None:
    st.session_state["lab_canvas_n"] = st.session_state.get("lab_canvas_n", 0) + 1


def ensemble_of(models: dict):
    """(the shipped models as one ensemble or None, {option: cache token} of every usable model). Built
    when the page opens, inside its loading spinner, so the class's first stroke does not trace it."""
    usable = {each: m for each, m in models.items() if m is not None}
    tokens = {each: token(each, m) for each, m in usable.items()}
    shipped = [each for each in usable if not lab_models.is_trained(each)]
    together = shipped_together(tuple(usable[each] for each in shipped), tuple(tokens[each] for each in shipped)) \
        if shipped else None
    return together, tokens


@st.fragment
def send_part(digit: np.ndarray, canvas_picture) -> None:
    """The drawing's "send to the class gallery" box: picking the digit or sending reruns only this box."""
    send_to_class_box(digit, canvas_picture)


@st.fragment
def pixels_part(digit: np.ndarray) -> None:
    """The 28×28 numbers the network gets, on demand: the toggle reruns only this part."""
    if st.toggle(tr("cnn_lab.show_pixels"), key="lab_pixels"):
        with st.container(key="lab_pixel_table"):
            st.html(digits.pixel_table_html(digit))


@st.fragment
def draw_and_read(option: str, models: dict, table: dict, together, tokens: dict) -> None:
    """Canvas → prepared 28×28 → answer, naive way, all models side by side. A stroke reruns only this part."""
    draw_col, seen_col, answer_col = st.columns([1.3, 1, 1.1], gap="small")
    with draw_col:
        st.subheader(tr("cnn_lab.draw_title"))
        pen = st.slider(tr("cnn_lab.stroke_width"), 5, 40, 20, key="lab_pen")
        canvas = st_canvas(
            stroke_width=pen, stroke_color="#ffffff", background_color="#000000",
            width=280, height=280, drawing_mode="freedraw", return_image_data=True,
            key=f"{CANVAS_KEY}_{st.session_state.get('lab_canvas_n', 0)}",
        )
        st.button(tr("cnn_lab.clear"), on_click=clear_canvas, key="lab_clear")
        st.caption(tr("cnn_lab.canvas_help"))

    png = canvas.image_bytes
    read_ways = None if png is None else read_drawing(png)
    if read_ways is None:
        seen_col.info(tr("cnn_lab.draw_hint"))
        st.header(tr("cnn_lab.compare_title"))
        st.info(tr("cnn_lab.compare_hint"))
        return
    digit, naive = read_ways
    st.session_state["last_digit"] = digit
    with draw_col:
        send_part(digit, lambda: canvas.image_data)  # the canvas picture is decoded only if sent

    shipped = [each for each in tokens if not lab_models.is_trained(each)]
    trained = [each for each in tokens if lab_models.is_trained(each)]
    found = answers_of(together, tuple(tokens[each] for each in shipped),
                       tuple(models[each] for each in trained), tuple(tokens[each] for each in trained), read_ways)
    proba, naive_proba = found[tokens[option]]
    read = answers.answer(proba)
    with answer_col:
        st.subheader(tr("cnn_lab.answer_title"))
        with st.container(key="lab_answer"):
            st.metric(tr("cnn_lab.answer_label"), str(read.digit))
            st.markdown(tr("cnn_lab.confidence", p=f"{read.confidence * 100:.1f}"))
            with st.container(key="lab_strokes"):
                strokes = len((canvas.json_data or {}).get("objects", []))
                st.caption(tr("cnn_lab.strokes", n=strokes, ms=f"{table[option]['ms']:.1f}"))
        if not read.sure:
            st.warning(tr("cnn_lab.unsure", digit=read.digit, p=f"{read.confidence * 100:.0f}",
                          other=read.runner_up, q=f"{read.runner_up_confidence * 100:.0f}"))
        st.html(answers.probability_bars(proba, tr("cnn_lab.bars_title")))

    with seen_col:
        st.subheader(tr("cnn_lab.prepared_title"))
        with st.container(key="lab_prepared"):
            st.html(digits.digit_html(digit, 168, tr("cnn_lab.prepared_title")))
        st.caption(tr("cnn_lab.prepared_caption"))
        naive_read = answers.answer(naive_proba)
        with st.container(border=True, key="lab_naive"):
            st.markdown(f"**{tr('cnn_lab.naive_title')}**")
            st.html(digits.digit_html(naive, 84, tr("cnn_lab.naive_title")))
            st.markdown(tr("cnn_lab.naive_answer", digit=naive_read.digit,
                           confidence=f"{naive_read.confidence * 100:.0f}"))
            st.caption(tr("cnn_lab.naive_agrees" if naive_read.digit == read.digit else "cnn_lab.naive_differs"))

    pixels_part(digit)

    st.header(tr("cnn_lab.compare_title"))
    rows = [{**row, "proba": found[tokens[each]][0] if each in tokens else None} for each, row in table.items()]
    names = ("name", "doc", "answer", "confidence", "parameters", "accuracy", "ms")
    with st.container(key="lab_compare"):
        st.markdown(answers.side_by_side(rows, {name: tr(f"cnn_lab.col_{name}") for name in names}))
    st.caption(tr("cnn_lab.compare_caption"))
    if recipe := shipped_augmentation():
        st.caption(tr("cnn_lab.pretrained_caption", recipe=augmentation_text(recipe),
                      models=augmented_models_text(model_name)))


@st.fragment
def read_upload(model) -> None:
    """An uploaded picture → prepared 28×28 → answer (or a clear message). Only this part reruns."""
    st.header(tr("cnn_lab.upload_title"))
    upload = st.file_uploader(tr("cnn_lab.upload_label"), type=UPLOAD_TYPES, help=tr("cnn_lab.upload_help"),
                              key="lab_upload")
    if upload is None:
        return
    data = upload.getvalue()
    image, error = prepared_upload(data)
    if error is not None:
        st.error(tr(f"cnn_lab.upload_error.{error[0]}", **error[1]))
        return
    original_col, prepared_col, read_col = st.columns(3)
    preview = upload_preview(data)
    if preview is not None:
        original_col.image(preview, caption=tr("cnn_lab.upload_original"))
    prepared_col.html(digits.digit_html(image, 140, tr("cnn_lab.upload_prepared")))
    prepared_col.caption(tr("cnn_lab.upload_prepared"))
    read = answers.answer(inference.predict_proba(model, image[np.newaxis])[0])
    with read_col.container(key="lab_upload_answer"):
        st.markdown(tr("cnn_lab.upload_answer", digit=read.digit, confidence=f"{read.confidence * 100:.0f}"))


MAX_UPLOADED = 3  # uploaded models a session keeps (the oldest goes first)


def accept_model(name: str, data: bytes) -> tuple:
    """An uploaded .keras file → ("ready", label, architecture key) after it joined this session's models,
    or ("refused", i18n key, values)."""
    try:
        model = uploaded.load(data)
    except uploaded.UploadedModelError as error:
        return "refused", error.key, error.values
    label = name[:60]
    trained = st.session_state.setdefault("trained_models", {})
    mine = st.session_state.setdefault("lab_uploaded_labels", [])
    trained[label] = {"model": model, "key": uploaded.architecture(model), "test_accuracy": None, "config": None}
    mine[:] = [each for each in mine if each != label] + [label]
    while len(mine) > MAX_UPLOADED:
        trained.pop(mine.pop(0), None)
    st.session_state[f"lab_model__{lang()}"] = lab_models.TRAINED + label  # the picker shows it chosen
    return "ready", label, trained[label]["key"]


def take_uploaded_model() -> None:
    """001 saves its model to a file and loads it back: a .keras file (the studio's download) joins the picker."""
    with st.expander("📂 " + tr("model_upload.title")):
        st.caption(tr("model_upload.help"))
        upload = st.file_uploader(tr("model_upload.label", limit=uploaded.MAX_MB), type=["keras"],
                                  max_upload_size=uploaded.MAX_MB, key="lab_model_upload")
        if upload is None:
            return
        seen = st.session_state.setdefault("lab_uploads_seen", {})  # file id → outcome: each upload is checked once
        if upload.file_id not in seen:
            with st.spinner(tr("model_upload.loading")):
                seen[upload.file_id] = accept_model(upload.name, upload.getvalue())
        state, first, second = seen[upload.file_id]
        if state == "refused":
            st.error(tr(f"model_upload.error.{first}", **second))
        else:
            arch = tr("model_upload.arch_known", doc=REGISTRY[second].doc, model=tr(f"models.{second}.name")) \
                if second in REGISTRY else tr("model_upload.arch_unknown")
            st.success(tr("model_upload.ready", name=first, arch=arch))


@st.fragment
def lab() -> None:
    """The whole page: choosing a model reruns this, not the app around it."""
    take_uploaded_model()
    option, model, _ = model_picker("cnn_lab", "lab_model")
    trained = st.session_state.get("trained_models") or {}
    with st.spinner(tr("cnn_lab.loading")):
        models = every_model(lab_models.options(trained), trained)
        models[option] = model
        together, tokens = ensemble_of(models)
    draw_and_read(option, models, {each: facts(each, trained, models[each]) for each in models}, together, tokens)
    read_upload(model)


st.title(tr("cnn_lab.title"))
st.caption(tr("cnn_lab.intro"))
file_uploader_texts()
lab()
