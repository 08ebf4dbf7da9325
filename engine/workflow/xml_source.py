"""BPMN bytes in whatever encoding the XML parser accepts, made UTF-8 once for every caller.

The CLI, the upload form and the modeler hand bytes to `parsing`; `definitions` and `drafts`
store them as text. A file declared ISO-8859-1 (or windows-1258, ...) or sent as UTF-16 with a
BOM parses — the parser reads its BOM and declaration — but is not UTF-8, so `to_utf8` decodes
it as the XML rules say, rewrites the declaration to UTF-8 and keeps every line where it was
(problems name lines). UTF-8 input comes back unchanged, byte for byte (same checksum).
"""

from __future__ import annotations

import codecs
import re

from engine.core.errors import InvalidDefinitionError, Problem

UTF8_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_DECLARED = re.compile(rb"""\A<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]*)["']""")
_DECLARATION_TEXT = re.compile(r"\A<\?xml[^>]*\?>")
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NO_BOM_UTF16 = ((b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))
_UTF8_NAMES = frozenset({"utf-8", "utf8"})


def source_encoding(data: bytes) -> str:
    """Return the encoding of XML `data`: its BOM, else its declaration, else UTF-8."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for start, name in _NO_BOM_UTF16:
        if data.startswith(start):
            return name
    declared = _DECLARED.match(data[:200])
    return declared.group(1).decode("ascii").lower() if declared else "utf-8"


def _refused(encoding: str) -> InvalidDefinitionError:
    return InvalidDefinitionError(
        [Problem(f"Không đọc được tệp theo bảng mã {encoding.upper()} mà tệp khai báo; "
                 "hãy lưu tệp ở dạng UTF-8")]
    )


def to_utf8(data: bytes) -> bytes:
    """Return `data` as UTF-8 XML (unchanged when it is already); raise InvalidDefinitionError
    when its bytes do not decode in the encoding it declares."""
    encoding = source_encoding(data)
    if encoding in _UTF8_NAMES:
        return data  # invalid UTF-8 is left for the parser to locate
    try:
        codecs.lookup(encoding)
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError, ValueError) as exc:
        raise _refused(encoding) from exc
    text = _DECLARATION_TEXT.sub(UTF8_DECLARATION, text.lstrip("\ufeff"), count=1)
    return text.encode("utf-8")
