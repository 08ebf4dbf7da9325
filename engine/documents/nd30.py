"""The page of an administrative document in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I:
A4, margins 20/20/30/15 mm, Times New Roman; the heading block (issuing body on the left,
Quốc hiệu and Tiêu ngữ on the right, the number line and the place-and-date line), the title,
the recipients, the body, tables, and the signature block with "Nơi nhận"; page numbers centred
in the top margin from page 2. Builds a python-docx Document; knows nothing of plans."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from engine.documents.parties import Issuer, Signature

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
TEXT_WIDTH_MM = 210 - 30 - 15
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"



def vn_date_line(place: str, when: date | None) -> str:
    """Return the place-and-date line, with dots left for the signer when not yet known."""
    if when is None:
        return f"{place}, ngày …… tháng …… năm ……"
    return f"{place}, ngày {when.day:02d} tháng {when.month:02d} năm {when.year}"


def number_line(number: str | None, symbol: str) -> str:
    """Return "Số: 45/BC-SNV": a number typed with its own symbol ("15/BC-UBND") is kept as
    typed; dots are left for the clerk when there is none yet."""
    if number and "/" in number:
        return f"Số: {number.strip()}"
    return f"Số: {(number or '').strip() or '……'}/{symbol}"


def new_document() -> DocxDocument:
    """Return an empty A4 document with NĐ 30's margins, font and page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _east_asian_font(normal.element)
    normal.paragraph_format.space_after = Pt(6)
    _page_numbers(doc)
    return doc


def _east_asian_font(element: object) -> None:
    """Name the font for every script, so Vietnamese letters never fall back to another font."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _page_numbers(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True  # the first page shows no number
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = str(text)
            run._r.append(instruction)


def line(container: DocxDocument | _Cell, text: str = "", *, size: float = BODY_PT,
         bold: bool = False, italic: bool = False, align: str = "center",
         after: float = 0) -> Paragraph:
    """Add one paragraph of `text` with the given look; return it."""
    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic = bold, italic
    return paragraph


def rule(container: DocxDocument | _Cell, width_mm: float, cell_width_mm: float) -> None:
    """Add the short horizontal line NĐ 30 draws under a body's name, the motto and the title."""
    paragraph = line(container, size=4)
    indent = max((cell_width_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(indent)
    paragraph.paragraph_format.right_indent = Mm(indent)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _widths(grid: Table, widths_mm: Sequence[float]) -> None:
    """Set the column widths on the grid and on every cell (Word reads one, LibreOffice the
    other)."""
    for column, width in zip(grid.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _first_paragraph(cell: _Cell) -> None:
    """Drop the empty paragraph a new cell starts with (content is added after it)."""
    first = cell.paragraphs[0]
    if not first.text:
        first._p.getparent().remove(first._p)


def heading(doc: DocxDocument, issuer: Issuer, number: str | None, when: date | None) -> None:
    """Add the heading block: issuing body and number (left), national title, motto and
    place-and-date (right)."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    widths = (70, TEXT_WIDTH_MM - 70 + 10)
    _widths(table, widths)
    if issuer.parent:
        line(left, issuer.parent.upper(), size=13)
    line(left, issuer.body.upper(), size=13, bold=True)
    rule(left, 25, widths[0])
    line(left, number_line(number, issuer.symbol), size=13, after=0)
    line(right, NATIONAL_TITLE, size=12, bold=True)
    line(right, MOTTO, size=13, bold=True)
    rule(right, 58, widths[1])
    line(right, vn_date_line(issuer.place, when), size=14, italic=True)
    for cell in (left, right):
        _first_paragraph(cell)
    line(doc, after=6)


def title(doc: DocxDocument, kind: str, summary: str) -> None:
    """Add the document's type ("BÁO CÁO", "KẾ HOẠCH") and its summary (trích yếu)."""
    line(doc, kind.upper(), size=14, bold=True)
    line(doc, summary, size=14, bold=True)
    rule(doc, 40, TEXT_WIDTH_MM)
    line(doc, after=6)


def addressees(doc: DocxDocument, names: Sequence[str]) -> None:
    """Add "Kính gửi:" with one recipient, or a list of them."""
    if len(names) == 1:
        line(doc, f"Kính gửi: {names[0]}.", after=6)
        return
    line(doc, "Kính gửi:", after=0)
    for index, name in enumerate(names):
        end = "." if index == len(names) - 1 else ";"
        paragraph = line(doc, f"- {name}{end}", align="left")
        paragraph.paragraph_format.left_indent = Mm(45)
    line(doc, after=6)


def section_title(doc: DocxDocument, text: str) -> None:
    """Add a section heading of the body ("I. KẾT QUẢ THỰC HIỆN")."""
    paragraph = line(doc, text, bold=True, align="justify", after=3)
    paragraph.paragraph_format.first_line_indent = Mm(10)


def body(doc: DocxDocument, text: str) -> None:
    """Add body paragraphs (one per line of `text`), justified with a first-line indent."""
    for chunk in [c.strip() for c in (text or "").splitlines() if c.strip()] or ["Không có."]:
        paragraph = line(doc, chunk, align="justify", after=6)
        paragraph.paragraph_format.first_line_indent = Mm(10)


def table(doc: DocxDocument, heads: Sequence[str], rows: Sequence[Sequence[str]],
          widths_mm: Sequence[float]) -> Table:
    """Add a bordered table: a bold header row repeated on each page, then `rows`."""
    grid = doc.add_table(rows=1, cols=len(heads))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    header = grid.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(header.cells, heads, strict=True):
        _fill(cell, text, bold=True, align="center")
    for values in rows:
        cells = grid.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _fill(cell, text, align="center" if index == 0 else "left")
    _widths(grid, widths_mm)
    line(doc, after=6)
    return grid


def _fill(cell: _Cell, text: str, *, bold: bool = False, align: str = "left") -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else (
        WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.size = Pt(TABLE_PT)
    run.bold = bold


def signature(doc: DocxDocument, block: Signature) -> None:
    """Add "Nơi nhận" (left) and the signer's block (right)."""
    grid = doc.add_table(rows=1, cols=2)
    grid.autofit = False
    left, right = grid.rows[0].cells
    _widths(grid, (80, TEXT_WIDTH_MM - 80))
    line(left, "Nơi nhận:", size=12, bold=True, italic=True, align="left")
    for item in [*block.recipients, "Lưu: VT."]:
        line(left, f"- {item}{'' if item.endswith('.') else ';'}", size=11, align="left")
    if block.on_behalf:
        line(right, block.on_behalf.upper(), size=14, bold=True)
    capacity = f"KT. {block.capacity}" if block.for_name else block.capacity
    line(right, capacity.upper(), size=14, bold=True)
    for _ in range(4):
        line(right)
    line(right, block.name or "", size=14, bold=True)
    if block.for_name:
        line(right, f"ký thay {block.for_name}", size=13, italic=True)
    for cell in (left, right):
        _first_paragraph(cell)


def to_bytes(doc: DocxDocument) -> bytes:
    """Return the document as the bytes of a .docx file."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
