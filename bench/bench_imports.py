"""Excel imports for N units: the units-and-accounts workbook (preview, then import, then a
second import that only updates), and the plan workbook (read, import, export).

Run: python bench/bench_imports.py [--units 90 900 3400]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.admin import unit_import  # noqa: E402
from engine.core import schema  # noqa: E402
from engine.core.db import make_engine, make_session_factory  # noqa: E402
from engine.demo import seed_data  # noqa: E402
from engine.processes import plan_import  # noqa: E402
from engine.queries.plan_export import plan_workbook  # noqa: E402
from engine.workflow import definitions  # noqa: E402


def units_workbook(count: int) -> bytes:
    """The province, its 15 departments and `count - 15` communes, two accounts each."""
    data = seed_data.read_json("units.json")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Đơn vị"
    sheet.append(["Mã", "Tên đơn vị", "Loại", "Đơn vị cấp trên"])
    sheet.append([data["province"]["code"], data["province"]["name"], "tỉnh", None])
    for row in data["departments"]:
        sheet.append([row["code"], row["name"], "sở, ban, ngành", None])
    for index in range(count - len(data["departments"])):
        sheet.append([f"xa-{index:05d}", f"Xã số {index}", "xã", None])
    people = book.create_sheet("Người dùng")
    people.append(["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò", "E-mail"])
    for index in range(count - len(data["departments"])):
        for role in ("unit_staff", "unit_leader"):
            people.append(
                [f"xa-{index:05d}.{role[5:]}", f"Cán bộ {index}", f"xa-{index:05d}", role, None]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    begin = time.perf_counter()
    result = action()
    return time.perf_counter() - begin, result


def run(count: int, folder: Path) -> None:
    engine = make_engine(f"sqlite:///{folder / f'imports-{count}.db'}")
    schema.upgrade(engine)
    session = make_session_factory(engine)()
    definitions.deploy_builtin(session)
    session.commit()
    data = units_workbook(count)
    preview, _ = timed(lambda: unit_import.preview(session, data, None))
    session.rollback()
    first, result = timed(lambda: unit_import.run(session, data, None))
    session.commit()
    again, _ = timed(lambda: unit_import.run(session, data, None))
    session.commit()
    plan = seed_data.load_plan(session)
    session.commit()
    workbook = plan_workbook(plan)
    moved = workbook.replace(b"", b"")  # the same bytes: a re-import of the draft
    read, _ = timed(lambda: plan_import.preview(session, moved))
    session.rollback()
    export, _ = timed(lambda: plan_workbook(plan))
    counts = result.summary()
    print(
        f"{count:>6} units, {counts['users_created']:>5} accounts | "
        f"preview {preview:6.2f} s | import {first:6.2f} s | re-import {again:6.2f} s | "
        f"plan read {read * 1000:6.0f} ms | plan export {export * 1000:6.0f} ms | "
        f"workbook {len(data) // 1024} KB"
    )
    session.close()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, nargs="+", default=[90, 900, 3400])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for count in args.units:
            run(count, Path(folder))


if __name__ == "__main__":
    main()
