"""Home: what CNN Dojo is, the lesson map, and the five CNNs of the course at a glance."""
import pandas as pd
import streamlit as st

from core.ui import PAGES, augmentation_text, augmented_models_text, tr, tr_list
from models.zoo import REGISTRY, pretrained_meta, shipped_augmentation

st.title("🥋 CNN Dojo")
st.markdown(tr("home.intro"))

st.header(tr("documents.what.title"))
st.markdown(tr("documents.what.text"))
st.caption(tr("documents.what.example"))

st.header(tr("home.map_title"))
for section in ("lessons", "lab", "training"):
    st.markdown(f"**{tr(f'nav.section_{section}')}**")
    columns = st.columns(3)
    pages = [page for page in PAGES if page.section == section]
    for index, page in enumerate(pages):
        columns[index % 3].page_link(page.path, label=tr(f"nav.{page.key}"), icon=page.icon)

def shipped_training(meta: dict) -> tuple[str, str]:
    """(epochs, data) of how a shipped model was trained, from its JSON (scripts/pretrain.py)."""
    data = tr("home.trained_data" if meta.get("augmentation") else "home.trained_data_plain",
              images=f"{meta['training_images']:,}", held_out=f"{meta['validation_images']:,}")
    return tr("home.trained_epochs", best=meta["best_epoch"], ran=meta["epochs_trained"]), data


def document_training(entry) -> str:
    """The document's own epochs and data, as the studio's "document settings" train."""
    d = entry.defaults
    images = 60000 - round(60000 * d.validation_split) if d.validation == "split" else 60000
    return tr("home.document_training", epochs=d.epochs, images=f"{images:,}")


st.header(tr("home.models_title"))
st.caption(tr("home.models_caption"))
recipe = shipped_augmentation()
if recipe:
    st.caption(tr("home.pretrained_caption", recipe=augmentation_text(recipe),
                  models=augmented_models_text(lambda k: f"{REGISTRY[k].doc} {tr(f'models.{k}.name')}")))
rows = []
for key, entry in REGISTRY.items():
    meta = pretrained_meta(key)
    epochs, data = shipped_training(meta) if meta else ("—", "—")
    rows.append({
        tr("home.col_key"): key,
        tr("home.col_document"): entry.doc,
        tr("home.col_name"): tr(f"models.{key}.name"),
        tr("home.col_layers"): " → ".join(row["kind"] for row in meta["layers"]) if meta else "—",
        tr("home.col_parameters"): meta["parameters"] if meta else None,
        tr("home.col_accuracy"): meta["test_accuracy"] * 100 if meta else None,
        tr("home.col_seconds"): meta["seconds_per_epoch"] if meta else None,
        tr("home.col_shipped_epochs"): epochs,
        tr("home.col_shipped_data"): data,
        tr("home.col_document_training"): document_training(entry),
    })
st.dataframe(
    pd.DataFrame(rows),
    hide_index=True,
    width="stretch",
    column_config={
        tr("home.col_parameters"): st.column_config.NumberColumn(format="localized"),
        tr("home.col_accuracy"): st.column_config.NumberColumn(format="%.2f %%"),
        tr("home.col_seconds"): st.column_config.NumberColumn(format="%.0f s"),
    },
)
for key in REGISTRY:
    if pretrained_meta(key) is None:
        st.warning(tr("home.no_weights", key=key))

with st.expander(tr("home.corrections_title")):
    for key, entry in REGISTRY.items():
        st.markdown(f"- **{tr(f'models.{key}.name')}** ({entry.doc}): {tr(f'models.{key}.note')}")

st.header(tr("home.howto_title"))
st.markdown("\n".join(f"1. {step}" for step in tr_list("home.howto")))
