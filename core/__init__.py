"""CNN Dojo machinery: data, i18n, preprocessing, inference, training (no Streamlit here)."""
