"""Choosing a text encoding for a file that is not UTF-8.

A detector's first guess can be a legal but wrong decoding: Latin-1 "à Genève" read as cp1250
becomes "ŕ Genčve", every byte decoded and nothing flagged. So every candidate that decodes
without errors is scored by how well its non-ASCII letters fit one language's alphabet, and
words that mix scripts ("Genﻟve"), switch case inside ("мИНИСТР") or carry a symbol between
letters ("mo¿na") count against it. Ties go to the encoding most common for text
(``COMMON_ENCODINGS`` order), then to the detector's order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import charset_normalizer

# Legacy encodings in rough order of how often text is written in them.
COMMON_ENCODINGS = (
    "cp1252", "cp1251", "cp1250", "koi8_r", "cp1253", "cp1254", "cp1257", "iso8859_15",
    "iso8859_2", "koi8_u", "cp1255", "cp1256", "mac_roman", "cp866", "latin_1",
)

# The non-ASCII letters of each language's alphabet (lower case).
_ALPHABETS = {
    "French": "àâæçéèêëîïôœùûüÿ",
    "German": "äöüß",
    "Spanish": "áéíñóúü",
    "Portuguese": "áâãàçéêíóôõú",
    "Italian": "àèéìíîòóùú",
    "Catalan": "àçèéíïòóúü",
    "Dutch": "éèëïóöü",
    "Danish/Norwegian": "æøåéó",
    "Swedish/Finnish": "åäöé",
    "Icelandic": "áðéíóúýþæö",
    "Czech": "áčďéěíňóřšťúůýž",
    "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Polish": "ąćęłńóśźż",
    "Hungarian": "áéíóöőúüű",
    "Romanian": "ăâîșțşţ",
    "Croatian/Serbian/Slovene": "čćđšž",
    "Turkish": "çğıöşüâî",
    "Lithuanian": "ąčęėįšųūž",
    "Latvian": "āčēģīķļņšūž",
    "Estonian": "äõöüšž",
    "Russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "Belarusian": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Serbian/Macedonian": "абвгдђѓежзѕијклљмнњопрстћќуфхцчџш",
    "Greek": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
    "Hebrew": "אבגדהוזחטיכךלמםנןסעפףצץקרשת",
    "Arabic/Farsi": "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيپچژگکی",
}
# Scripts whose letters are too many to list: a letter fits when its Unicode name starts so.
_SCRIPTS = {"Chinese": ("CJK",), "Japanese": ("CJK", "HIRAGANA", "KATAKANA"), "Korean": ("HANGUL", "CJK"), "Thai": ("THAI",)}
# Non-letters common in ordinary text, which say nothing about the encoding.
_NEUTRAL_SYMBOLS = set("©®™°€£¥§¶×÷±µ·•‰′″№¢")
_INNER_OK = set("’‑·")  # may stand between two letters of one word
_SAMPLE_BYTES = 256 * 1024
PLAUSIBLE = 0.5  # an alternative named in the note must fit a language at least this well
_NON_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f]\S*")


@dataclass(frozen=True)
class Guess:
    """The encoding chosen, the language its letters fit best, and other plausible encodings."""

    encoding: str
    language: str | None
    others: tuple[str, ...]

    def note(self) -> str:
        fit = f"letters fit {self.language}" if self.language else "no letters outside ASCII"
        others = f"; also decodes as {', '.join(self.others[:3])}" if self.others else ""
        return f"not UTF-8: decoded as {self.encoding} ({fit}{others}); save it as UTF-8 to be sure"


def guess_encoding(data: bytes) -> Guess | None:
    """The most plausible legacy encoding of ``data`` (which is not UTF-8), or None if none decodes it."""
    sample = _sample(data)
    scored = []
    for rank, encoding in enumerate(_candidates(data)):
        try:
            text = sample.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score, language = fit_score(text)
        scored.append((-score, rank, encoding, language))
    for _, _, encoding, language in sorted(scored):
        try:
            data.decode(encoding)  # the sample decoded; the whole file must too
        except UnicodeDecodeError:
            continue
        others = tuple(e for negative, _, e, _ in sorted(scored) if e != encoding and -negative >= PLAUSIBLE)
        return Guess(encoding, language, others)
    return None


def _sample(data: bytes) -> bytes:
    """At most ``_SAMPLE_BYTES`` from the start, cut after a line break so no character is split."""
    if len(data) <= _SAMPLE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, _SAMPLE_BYTES)
    return data[: cut + 1] if cut > 0 else data[:_SAMPLE_BYTES]


def _candidates(data: bytes) -> list[str]:
    """The common encodings first, then whatever else the detector proposes."""
    names = list(COMMON_ENCODINGS)
    for match in charset_normalizer.from_bytes(data[: 4 * _SAMPLE_BYTES]):
        if match.encoding not in names and match.encoding not in ("utf_8", "ascii"):
            names.append(match.encoding)
    return names


def fit_score(text: str) -> tuple[float, str | None]:
    """How well ``text``'s non-ASCII characters fit one language (1.0 best; below 0 for control bytes).

    Returns the score and the language; text with nothing outside ASCII scores 1.0 with no language.
    """
    fitting: Counter[str] = Counter()  # non-ASCII letters of plausible words
    misfits = 0
    bad = sum(1 for ch in text if _is_bad(ch))
    for match in _NON_ASCII_WORD.finditer(text):
        word = match.group()
        letters = [ch for ch in word if ch.isalpha() and ord(ch) > 127]
        symbols = [ch for ch in word if ord(ch) > 127 and not ch.isalpha() and _is_odd_symbol(ch)]
        if _implausible(word):
            misfits += len(letters)
        else:
            fitting.update(_lower(ch) for ch in letters)
        misfits += len(symbols)
    total = sum(fitting.values()) + misfits + bad
    if total == 0:
        return 1.0, None
    language, fit = max(((name, _fits(name, fitting)) for name in (*_ALPHABETS, *_SCRIPTS)), key=lambda pair: pair[1])
    return (fit - 10 * bad) / total, language if fit else None


def _fits(language: str, letters: Counter[str]) -> int:
    if language in _ALPHABETS:
        alphabet = _ALPHABETS[language]
        return sum(n for ch, n in letters.items() if ch in alphabet)
    prefixes = _SCRIPTS[language]
    return sum(n for ch, n in letters.items() if unicodedata.name(ch, "").startswith(prefixes))


def _lower(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch  # "İ".lower() is two characters


def _is_bad(ch: str) -> bool:
    """A character no text file holds: control codes (but layout ones), private use, unassigned."""
    if ch in "\t\n\r\f\v" or " " <= ch <= "~":
        return False
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn")


def _is_odd_symbol(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "SN" and ch not in _NEUTRAL_SYMBOLS


def _implausible(word: str) -> bool:
    """A word mixing scripts, switching from lower to upper case inside, or with a symbol between letters."""
    scripts = {_script(ch) for ch in word if ch.isalpha()}
    if len(scripts) > 1:
        return True
    for before, ch, after in zip(word, word[1:], word[2:]):
        if _spaced_letter(before) and _spaced_letter(after) and ord(ch) > 127 and not ch.isalpha() \
                and ch not in _INNER_OK and unicodedata.category(ch) != "Pd":
            return True
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))


def _spaced_letter(ch: str) -> bool:
    """A letter of a script written with spaces between words (Latin, Greek, Cyrillic, Armenian)."""
    return ch.isalpha() and ch < "\u0590"


def _script(ch: str) -> str:
    if ch < "\u0250":
        return "LATIN"
    name = unicodedata.name(ch, "")
    return "CJK" if name.startswith(("HIRAGANA", "KATAKANA")) else name.split(" ")[0]
