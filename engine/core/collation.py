"""Comparing Vietnamese text: loosely (`fold`, for searches and a workbook's titles), and in
Vietnamese alphabetical order, for lists people scan by name (the ranking's ties): the letters
a ă â b c d đ e ê … o ô ơ … u ư … y, then the tones (none, huyền, hỏi, ngã, sắc, nặng), case
last — where Python's code-point order would put "Đ" after "Z" and "Ủ" after "Y"."""

from __future__ import annotations

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_SHAPES = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn
_WITH_SHAPE = {("a", "ă"): "ă", ("a", "â"): "â", ("e", "â"): "ê", ("o", "â"): "ô",
               ("o", "ơ"): "ơ", ("u", "ơ"): "ư"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
_OTHER = len(ALPHABET)


def fold(text: str) -> str:
    """Return `text` for loose comparison: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _letters(text: str) -> list[tuple[str, int]]:
    """Split `text` into (base letter with its shape, tone) pairs, lower case."""
    result: list[tuple[str, int]] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.combining(char) and result:
            letter, tone = result[-1]
            if char in _SHAPES:
                letter = _WITH_SHAPE.get((letter, _SHAPES[char]), letter)
            result[-1] = (letter, _TONES.get(char, tone))
        else:
            result.append((char, 0))
    return result


def vietnamese_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """Return a sort key putting `text` in Vietnamese alphabetical order."""
    letters = _letters(text)
    primary = tuple(_RANK[c] if c in _RANK else _OTHER + ord(c) if not c.isspace() else -1
                    for c, _ in letters)
    return primary, tuple(tone for _, tone in letters), text
