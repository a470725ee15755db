"""One Japanese term per idea across pages, and full-width parentheses in Japanese text (locales/ja).

Code (`…`, ``` blocks), formulas ($…$) and quotations of the documents (「…」, which keep the
documents' own words) are exempt.
"""
import re

import pytest

from core import i18n

EXEMPT = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|「[^「」]*」|<[^>]+>", re.S)
JAPANESE = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff々〆ー]"  # letters (、。 after a formula's bracket are fine)

# rejected variant → the chosen term
REJECTED = {
    "ピクセル": "画素",
    "チャネル": "チャンネル",
    "似ている度": "類似度",
    "調べるパラメータ": "学習するパラメータ",
    "除外率": "ドロップアウト率",
    "除外化率": "ドロップアウト率",
    "最適化アルゴリズム": "最適化手法",
    "ユニット": "ニューロン",
    "ノード": "ニューロン",
}
HALF_WIDTH_PAREN = re.compile(rf"{JAPANESE}[()]|[()]{JAPANESE}|\([^()]*{JAPANESE}[^()]*\)")


def japanese_texts():
    """(key, text) of every Japanese string, lists and tables included, with exempt spans removed."""
    def walk(key, value):
        if isinstance(value, str):
            yield key, EXEMPT.sub(" ", value)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(f"{key}[{index}]", item)
        elif isinstance(value, dict):
            for name, item in value.items():
                yield from walk(f"{key}.{name}", item)

    for key, value in i18n.catalog("ja").items():
        yield from walk(key, value)


def test_the_exemptions_keep_code_formulas_and_quotations():
    text = EXEMPT.sub(" ", "画素 `Dense(units=500)` と $f(x)$、資料の「入力ノード数 169」")
    assert "units" not in text and "f(x)" not in text and "ノード" not in text
    assert HALF_WIDTH_PAREN.search("学習率(0.05)") and HALF_WIDTH_PAREN.search("(バッチ) 128")
    assert not HALF_WIDTH_PAREN.search("学習率（0.05）、x (px) と Conv2D (3×3)、σ(a) = 1 / (1 + e^(−a))。")


@pytest.mark.parametrize("variant", list(REJECTED))
def test_one_term_per_idea(variant):
    found = [key for key, text in japanese_texts() if variant in text]
    assert not found, f"「{variant}」 → 「{REJECTED[variant]}」: {found}"


def test_log_odds_is_explained_where_it_is_used():
    """Every locale file that says 対数オッズ glosses it once: 対数オッズ（… log(p ÷ (1 − p)) …）."""
    texts = list(japanese_texts())
    for area in {key.split(".")[0] for key, text in texts if "対数オッズ" in text}:
        assert any("対数オッズ（" in text and "log" in text for key, text in texts if key.startswith(area + ".")), area


def test_japanese_text_uses_full_width_parentheses():
    found = [(key, match.group()) for key, text in japanese_texts() for match in HALF_WIDTH_PAREN.finditer(text)]
    assert not found, found[:40]
