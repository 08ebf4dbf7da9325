"""The parties of an administrative document: who issues it and who signs it. Plain data, so
that naming them (the issuers, the numbering) does not load python-docx."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issuer:
    """Who issues the document: its parent body (may be empty), its own name, the place name
    of the date line and the short symbol of the number line ("BC-SNV")."""

    parent: str
    body: str
    place: str
    symbol: str


@dataclass(frozen=True)
class Signature:
    """The signature block: "KT."/"TM." line (may be empty), capacity, signer's name (empty
    when not yet known) and the recipients listed under "Nơi nhận"."""

    on_behalf: str
    capacity: str
    name: str
    recipients: Sequence[str] = field(default_factory=tuple)
    for_name: str = ""  # a substitute signed for this person: "KT. <capacity>", "ký thay …"
