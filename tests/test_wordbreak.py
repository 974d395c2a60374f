"""Lines of Thai, Lao, Khmer and Burmese sentences break between words (ICU's dictionaries),
and, where libicu is missing, between letter clusters, never inside one."""

from __future__ import annotations

import unicodedata

import pytest

from eventhub.pdf import break_lines, register_fonts, text_width, wordbreak
from eventhub.pdf.wordbreak import pieces

SENTENCES = {
    "th": "หนังสือนี้มีเลขหนังสือเดินทางของคุณโปรดเก็บไว้เป็นความลับ",
    "lo": "ໜັງສືນີ້ມີເລກໜັງສືຜ່ານແດນຂອງທ່ານກະລຸນາເກັບໄວ້ເປັນຄວາມລັບ",
    "km": "លិខិតនេះមានលេខលិខិតឆ្លងដែនរបស់អ្នកសូមរក្សាវាជាការសម្ងាត់",
    "my": "ဤစာတွင်သင့်နိုင်ငံကူးလက်မှတ်နံပါတ်ပါဝင်သောကြောင့်လျှို့ဝှက်ထားပါ",
}


@pytest.fixture
def fonts(app):
    with app.app_context():
        register_fonts()
        yield


@pytest.mark.skipif(wordbreak._icu() is None, reason="libicu is not installed")
@pytest.mark.parametrize("language", SENTENCES)
def test_dictionary_words_stay_whole(language):
    """ICU breaks between words, not between letter clusters: a line never ends inside
    'passport' (a cluster break would allow a dozen places in it)."""
    words = pieces(SENTENCES[language])
    assert "".join(words) == SENTENCES[language]
    starts = {sum(len(w) for w in words[:i]) for i in range(len(words) + 1)}
    word = {"th": "หนังสือเดินทาง", "km": "លិខិតឆ្លងដែន"}.get(language)
    if word:  # Lao and Burmese: the dictionary's own units
        at = SENTENCES[language].index(word)
        assert not any(at < start < at + len(word) for start in starts)
    assert len(words) <= len(SENTENCES[language]) // 3


@pytest.mark.parametrize("language", SENTENCES)
def test_sentences_break_between_their_words(fonts, language):
    sentence = SENTENCES[language]
    words = pieces(sentence)
    assert len(words) >= 4 and "".join(words) == sentence
    lines = break_lines(sentence, text_width(sentence, 10) / 2.5, 10, dictionary=True)
    assert len(lines) >= 3 and "".join(lines) == sentence
    ends = {sum(len(w) for w in words[: i + 1]) for i in range(len(words))}
    assert {sum(len(line) for line in lines[: i + 1]) for i in range(len(lines))} <= ends
    # Names are never cut so: without `dictionary`, the sentence is one unbreakable word.
    assert break_lines(sentence, 10, 10) == [sentence]


@pytest.mark.parametrize("language", SENTENCES)
def test_without_libicu_breaks_fall_between_clusters(monkeypatch, language):
    monkeypatch.setattr(wordbreak, "_icu", lambda: None)
    sentence = SENTENCES[language]
    parts = pieces(sentence)
    assert len(parts) > 4 and "".join(parts) == sentence
    for part in parts[1:]:
        assert not unicodedata.category(part[0]).startswith("M")  # no mark opens a piece
    for part in parts[:-1]:
        assert part[-1] not in "\u17d2\u1039" and part[-1] not in "เแโใไເແໂໃໄ"


def test_latin_and_chinese_are_left_to_the_line_rules():
    assert pieces("Nguyễn") == ["Nguyễn"]
    assert pieces("数字经济") == ["数字经济"]
