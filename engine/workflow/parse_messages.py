"""What a broken BPMN file is told, in Vietnamese: the XML parser's (libxml2) syntax errors by
their error code, the BPMN 2.0 schema's complaints and SpiffWorkflow's structural ones by their
pattern, each located by line (and column). The parsers' English texts never reach a user: an
unknown complaint gets a general sentence with its place."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

Translate = Callable[[re.Match[str]], str]

# libxml2 error codes (lxml's etree.ErrorTypes) → what went wrong.
_SYNTAX_BY_CODE: dict[int, str] = {
    4: "Tệp không bắt đầu bằng một thẻ XML (thiếu dấu '<')",
    5: "Có nội dung thừa sau phần tử gốc",
    9: "Tệp chứa ký tự không được phép trong XML",
    23: "Tham chiếu ký tự thiếu dấu ';'",
    26: "Dùng thực thể (&...;) chưa được khai báo",
    27: "Dùng thực thể (&...;) chưa được khai báo",
    38: "Giá trị thuộc tính chứa dấu '<' chưa được thay bằng &lt;",
    39: "Giá trị thuộc tính phải đặt trong dấu ngoặc kép",
    40: "Giá trị thuộc tính chưa có dấu ngoặc kép đóng",
    41: "Thuộc tính thiếu giá trị",
    42: "Một thuộc tính được khai báo hai lần trong cùng thẻ",
    65: "Thẻ thiếu khoảng trắng giữa các thuộc tính",
    68: "Thiếu tên thẻ hoặc tên thực thể (dấu '&' phải viết là &amp;)",
    73: "Thẻ thiếu dấu '>'",
    74: "Thẻ đóng phải bắt đầu bằng '</'",
    76: "Thẻ mở và thẻ đóng không khớp nhau",
    77: "Tệp kết thúc khi thẻ còn chưa đóng",
    81: "Tệp chứa byte không hợp lệ trong bảng mã UTF-8",
    201: "Tiền tố không gian tên của thẻ chưa được khai báo (thiếu xmlns)",
}
_TAG_MISMATCH = re.compile(r"mismatch: (\S+) line (\d+) and (\S+?),")
_UNCLOSED = re.compile(r"in tag (\S+) line (\d+)")


def syntax_error(exc: etree.XMLSyntaxError) -> tuple[str, int | None]:
    """Return the Vietnamese text of an XML syntax error and its line."""
    line, column = exc.position if exc.position else (exc.lineno, 0)
    what = _SYNTAX_BY_CODE.get(exc.code, "Cấu trúc XML bị lỗi")
    message = str(exc.msg or "")
    mismatch, unclosed = _TAG_MISMATCH.search(message), _UNCLOSED.search(message)
    if exc.code == 76 and mismatch:
        what = (f"Thẻ <{mismatch[1]}> mở ở dòng {mismatch[2]} nhưng lại đóng bằng "
                f"</{mismatch[3]}>")
    elif exc.code == 77 and unclosed:
        what = f"Tệp kết thúc khi thẻ <{unclosed[1]}> (mở ở dòng {unclosed[2]}) chưa đóng"
    where = f"dòng {line}, cột {column}" if column else f"dòng {line}"
    return f"XML không hợp lệ: {what} ({where})", line or None


def _schema_detail(found: re.Match[str]) -> str:
    element, attribute, reason = found["element"], found["attribute"], found["reason"]
    subject = f"Thuộc tính '{attribute}' của phần tử <{element}>" if attribute \
        else f"Phần tử <{element}>"
    for pattern, text in _SCHEMA_REASONS:
        if re.search(pattern, reason):
            return f"{subject} {text}"
    return f"{subject} không đúng lược đồ BPMN 2.0"


_SCHEMA_REASONS: tuple[tuple[str, str], ...] = (
    (r"This element is not expected", "không được phép ở vị trí này theo lược đồ BPMN 2.0"),
    (r"The attribute .* is not allowed", "không được phép theo lược đồ BPMN 2.0"),
    (r"The attribute .* is required but missing", "thiếu một thuộc tính bắt buộc"),
    (r"Missing child element", "thiếu phần tử con bắt buộc"),
    (r"atomic type 'xs:ID'|xs:ID", "có mã (id) không hợp lệ hoặc bị trùng"),
    (r"is not a valid value", "có giá trị không hợp lệ"),
    (r"Character content other than whitespace", "không được chứa văn bản"),
    (r"No match found for key-sequence|Duplicate key-sequence", "tham chiếu tới mã không tồn "
     "tại hoặc bị trùng"),
)

_SCHEMA = re.compile(r"Element '(?:\{[^}]*\})?(?P<element>[^']+)'"
                     r"(?:, attribute '(?P<attribute>[^']+)')?: (?P<reason>.*)", re.S)


# SpiffWorkflow's structural complaints (ValidationException and its other errors).
_STRUCTURE: tuple[tuple[re.Pattern[str], Translate], ...] = (
    (re.compile(r"No start event found"), lambda m: "Quy trình không có sự kiện bắt đầu"),
    (re.compile(r"Process (\S+) is not executable"),
     lambda m: f"Quy trình '{m[1]}' chưa được đánh dấu thực thi (isExecutable=\"true\")"),
    (re.compile(r"Duplicate process ID: (\S+)"), lambda m: f"Trùng mã quy trình '{m[1]}'"),
    (re.compile(r"Non-default exclusive outgoing sequence flow without condition"),
     lambda m: "Nhánh ra của cổng rẽ nhánh không phải nhánh mặc định mà thiếu điều kiện"),
    (re.compile(r"Invalid Script Task\.\s+No Script Provided"),
     lambda m: "Bước chạy mã (script task) chưa có mã"),
    (re.compile(r"Time Specification Error|Unknown Time Specification"),
     lambda m: "Biểu thức thời gian của bộ hẹn giờ không hợp lệ"),
    (re.compile(r"Could not find messageRef|Message identifier is missing"),
     lambda m: "Sự kiện thông điệp tham chiếu tới thông điệp không tồn tại"),
    (re.compile(r"Signal identifier is missing"), lambda m: "Sự kiện tín hiệu thiếu mã tín hiệu"),
    (re.compile(r"Error identifier is missing"), lambda m: "Sự kiện lỗi thiếu mã lỗi"),
    (re.compile(r"Escalation identifier is missing"),
     lambda m: "Sự kiện báo cáo cấp trên thiếu mã"),
    (re.compile(r"Exactly one start event is required"),
     lambda m: "Quy trình con phải có đúng một sự kiện bắt đầu"),
    (re.compile(r"must contain an End event", re.I),
     lambda m: "Quy trình con phải có sự kiện kết thúc"),
    (re.compile(r"There is no support implemented for this task type"),
     lambda m: "Loại bước này chưa được hỗ trợ"),
    (re.compile(r"Conditional event definition with missing condition"),
     lambda m: "Sự kiện điều kiện thiếu điều kiện"),
    (re.compile(r"The process '([^']*)' was not found"),
     lambda m: f"Không tìm thấy quy trình được gọi '{m[1]}'"),
    (re.compile(r"Cannot resolve data(?:In|Out)putAssociation (\S+)"),
     lambda m: f"Không tìm thấy dữ liệu '{m[1]}' mà liên kết dữ liệu trỏ tới"),
)


def structure_error(text: str) -> str:
    """Return the Vietnamese text of a BPMN schema or SpiffWorkflow complaint (its first line)."""
    first = str(text).strip().split("\n")[0]
    schema = _SCHEMA.search(str(text))
    if schema:
        return f"Lỗi cấu trúc BPMN: {_schema_detail(schema)}"
    for pattern, translate in _STRUCTURE:
        found = pattern.search(first)
        if found:
            return f"Lỗi cấu trúc BPMN: {translate(found)}"
    return "Lỗi cấu trúc BPMN: tệp không đúng chuẩn BPMN 2.0 mà hệ thống đọc được"


# Python's complaints about an expression or script (conditions, scripts, timer values).
_PYTHON_SYNTAX: tuple[tuple[re.Pattern[str], Translate], ...] = (
    (re.compile(r"'(.)' was never closed"), lambda m: f"dấu '{m[1]}' chưa được đóng"),
    (re.compile(r"unmatched '(.)'"), lambda m: f"dấu '{m[1]}' không có dấu mở tương ứng"),
    (re.compile(r"closing parenthesis '(.)' does not match opening parenthesis '(.)'"),
     lambda m: f"dấu '{m[1]}' không khớp với dấu mở '{m[2]}'"),
    (re.compile(r"unterminated (?:triple-quoted )?string"),
     lambda m: "chuỗi chưa có dấu nháy đóng"),
    (re.compile(r"unexpected EOF|incomplete input"), lambda m: "biểu thức kết thúc giữa chừng"),
    (re.compile(r"expected ':'"), lambda m: "thiếu dấu ':'"),
    (re.compile(r"forgot a comma"), lambda m: "có thể thiếu dấu phẩy"),
    (re.compile(r"indent", re.I), lambda m: "thụt lề không đúng"),
    (re.compile(r"invalid (?:decimal|hexadecimal|octal|binary) literal"),
     lambda m: "số viết không đúng"),
    (re.compile(r"cannot assign|Maybe you meant '==' "), lambda m: "phép gán không hợp lệ ở đây "
     "(so sánh bằng viết là '==')"),
    (re.compile(r"invalid character|invalid non-printable character"),
     lambda m: "có ký tự không được phép"),
)


def python_syntax(exc: SyntaxError) -> str:
    """Return the Vietnamese text of a syntax error in an expression or script, with its place."""
    what = ""
    for pattern, translate in _PYTHON_SYNTAX:
        found = pattern.search(str(exc.msg or ""))
        if found:
            what = f": {translate(found)}"
            break
    where = f"dòng {exc.lineno}, cột {exc.offset}" if exc.offset else f"dòng {exc.lineno}"
    return f"Biểu thức sai cú pháp{what} ({where} của mã)"
