"""The `plancascade` console script."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from engine.admin import setup_commands
from engine.core import clock
from engine.core.errors import PlancascadeError


def _session(url: str | None = None):  # type: ignore[no-untyped-def]
    from engine.core.db import make_engine, make_session_factory

    engine = make_engine(url)
    return engine, make_session_factory(engine)()


def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema; deploy processes; with --demo load and play the demo."""
    from engine.core import schema
    from engine.domain import stage_projection
    from engine.workflow import definitions

    if args.now:
        clock.set_now(args.now)
    engine, session = _session()
    schema.upgrade(engine)
    with session:
        stage_projection.backfill(session)  # an installation older than the projection
        session.commit()
        if args.demo:  # the demo deploys the processes on its own clock (its year's start)
            from engine.demo import install as demo

            result = demo.load(session)
            if args.national:  # the Ministry and the other provinces around the Sơn La demo
                from engine.demo import national

                if args.now:  # the demo's load put the clock back
                    clock.set_now(args.now)
                result["national"] = national.load(session)
            print(json.dumps(result, ensure_ascii=False))
        else:
            definitions.deploy_builtin(session)
            session.commit()
    print("Cơ sở dữ liệu đã sẵn sàng.", file=sys.stderr)
    return 0


def cmd_rebuild_status(_args: argparse.Namespace) -> int:
    """Rewrite every plan's stage-status projection from its records (a repair)."""
    from engine.domain import stage_projection

    with _session()[1] as session:
        print(json.dumps({"rows": stage_projection.rebuild_all(session)}))
        session.commit()
    return 0


def _print_tick(result: Any) -> None:
    print(json.dumps({"now": clock.now().isoformat(), **dataclasses.asdict(result)}), flush=True)


def cmd_tick(args: argparse.Namespace) -> int:
    """Fire due timers once, or every --interval seconds with --loop until SIGTERM/SIGINT.

    Any number of ticks may run at once on one database: they share the work (see
    engine.processes.timers). Exit 1 when the database cannot write or an instance failed.
    """
    from engine.core import db_faults
    from engine.core.db import make_engine, make_session_factory
    from engine.processes import timers

    if args.now:
        clock.set_now(args.now)
    if args.interval <= 0:
        print("--interval phải lớn hơn 0", file=sys.stderr)
        return 2
    logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("engine").setLevel(logging.INFO)  # SpiffWorkflow's own INFO is noise
    sessions = make_session_factory(make_engine())
    if args.loop:
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        timers.tick_loop(sessions, args.interval, stop, _print_tick)
        return 0
    with sessions() as session:
        try:
            result = timers.tick(session, mail=True)
        except Exception as exc:
            if not db_faults.is_unavailable(exc):
                raise
            print(f"Lỗi: {db_faults.UNAVAILABLE_MESSAGE}", file=sys.stderr)
            return 1
    _print_tick(result)
    return 1 if result.failed else 0


def cmd_simulate(args: argparse.Namespace) -> int:
    """Play the plan with scripted actors on a fresh database and print a JSON summary."""
    from engine.core import schema
    from engine.demo import simulation

    if not 0 <= args.late_fraction <= 1:
        print("--late-fraction phải nằm trong khoảng 0..1", file=sys.stderr)
        return 2
    if not 2000 <= args.year <= 2100:
        print("--year phải nằm trong khoảng 2000..2100", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'simulation.db'}"
        engine, session = _session(url)
        schema.upgrade(engine)
        with session:
            progress = simulation.stderr_progress if args.units >= 500 else None
            result = simulation.simulate(
                session,
                units=args.units,
                late_fraction=args.late_fraction,
                seed=args.seed,
                progress=progress,
                year=args.year,
            )
        engine.dispose()
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate BPMN files without deploying them; one JSON line per file."""
    from engine.core.errors import InvalidDefinitionError, Problem
    from engine.workflow import definitions

    all_ok = True
    for name in args.files:
        entry: dict[str, object] = {"file": name, "ok": True, "processes": [], "problems": []}
        try:
            entry["processes"] = list(definitions.validate(None, Path(name).read_bytes(), name))
        except InvalidDefinitionError as exc:
            entry.update(ok=False, problems=[p.as_dict() for p in exc.problems])
        except OSError as exc:
            entry.update(
                ok=False, problems=[Problem(f"Không đọc được tệp: {exc.strerror}").as_dict()]
            )
        except Exception as exc:  # noqa: BLE001 - never a traceback, whatever the file
            entry.update(ok=False, problems=[Problem(f"Tệp không hợp lệ: {exc}").as_dict()])
        all_ok = all_ok and bool(entry["ok"])
        print(json.dumps(entry, ensure_ascii=False))
    return 0 if all_ok else 1


def _import_workbook(args: argparse.Namespace, act: Callable[[Any, bytes], Any]) -> Any:
    """Read `args.file`, run `act(session, bytes)` and commit; print errors and return None."""
    from engine.core import schema
    from engine.core.spreadsheets import WorkbookRefused

    try:
        data = _read_upload(Path(args.file))
    except OSError as exc:
        print(f"Lỗi: không đọc được tệp {args.file}: {exc.strerror}", file=sys.stderr)
        return None
    engine, session = _session()
    schema.upgrade(engine)
    with session:
        try:
            setup_commands.scope(session, args)
            result = act(session, data)
            session.commit()
        except WorkbookRefused as exc:
            for problem in exc.problems:
                print(f"Lỗi: {problem}", file=sys.stderr)
            return None
        except PlancascadeError as exc:  # --tenant names no tenant
            print(f"Lỗi: {exc.message}", file=sys.stderr)
            return None
    return result


def cmd_import_units(args: argparse.Namespace) -> int:
    """Import units and accounts from an .xlsx; print what changed, or every error and exit 2."""
    from engine.admin import unit_import

    action = unit_import.preview if args.dry_run else unit_import.run
    result = _import_workbook(args, lambda session, data: action(session, data, None))
    if result is None:
        return 2
    print(json.dumps({**result.summary(), "applied": result.applied}, ensure_ascii=False))
    return 0


def cmd_import_plan(args: argparse.Namespace) -> int:
    """Import a year's plan from its annex workbook; print what it holds and the targets to set."""
    from engine.processes import plan_import

    result = _import_workbook(
        args,
        lambda session, data: (
            plan_import.preview(session, data)
            if args.dry_run
            else plan_import.run(session, data, None)
        ),
    )
    if result is None:
        return 2
    for problem in result.flagged:
        print(f"Cần xem lại: {problem}", file=sys.stderr)
    fields = ("year", "title", "kpis", "tasks", "templates", "flagged", "replaces_draft", "plan_id")
    summary = {f: getattr(result, f) for f in fields} | {"flagged": len(result.flagged)}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a document or workbook of the pages to a file (`export-plan YEAR FILE` is
    `export plan --year YEAR -o FILE`)."""
    from engine.core.errors import NotFoundError
    from engine.documents import exports

    wanted = exports.Export(getattr(args, "kind", "plan"), getattr(args, "unit", None),
                            getattr(args, "stage", None), args.year)
    engine, session = _session()
    with session:
        try:
            data = exports.build(session, wanted)
        except NotFoundError as exc:
            print(f"Lỗi: {exc.message}", file=sys.stderr)
            return 2
    Path(args.output).write_bytes(data)
    print(f"Đã ghi {wanted.kind} vào {args.output}.", file=sys.stderr)
    return 0


def _read_upload(path: Path) -> bytes:
    """Read at most one byte past the size limit (the import refuses larger files)."""
    from engine.core.spreadsheets import MAX_BYTES

    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _warn_without_admin() -> None:
    """Say how to create the first administrator when the database has none."""
    from engine.admin import first_run

    try:
        engine, session = _session()
        with session:
            missing = not first_run.has_admin(session)
        engine.dispose()
    except Exception:  # noqa: BLE001 - no schema yet: the web app reports it on its own
        return
    if missing:
        print(
            "Chưa có tài khoản quản trị. Hãy tạo tài khoản đầu tiên:\n"
            '  plancascade create-admin TEN_DANG_NHAP --name "Họ và tên"',
            file=sys.stderr,
        )


def serve_command(host: str, port: int, workers: int) -> list[str]:
    """Return the command that runs the web app on gunicorn through this very Python, so it
    works whether or not the virtualenv's bin/ is on PATH (pipx, a script run by its path)."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", bind,
            "web.wsgi:app"]


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web app on gunicorn (a production WSGI server)."""
    _warn_without_admin()
    command = serve_command(args.host, args.port, args.workers)
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


def _add_first_run(sub: Any) -> None:
    setup_commands.register(sub)
    units = sub.add_parser("import-units", help="nhập đơn vị và tài khoản từ tệp Excel")
    units.add_argument("file")
    units.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
    units.add_argument("--tenant", help=setup_commands.TENANT_HELP)
    units.set_defaults(func=cmd_import_units)
    plan = sub.add_parser("import-plan", help="nhập kế hoạch của tỉnh từ tệp Excel")
    plan.add_argument("file")
    plan.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
    plan.add_argument("--tenant", help=setup_commands.TENANT_HELP)
    plan.set_defaults(func=cmd_import_plan)
    export = sub.add_parser("export-plan", help="xuất kế hoạch của một năm ra tệp Excel")
    export.add_argument("year", type=int)
    export.add_argument("output")
    export.set_defaults(func=cmd_export)
    from engine.documents.kinds import KINDS

    document = sub.add_parser("export", help="xuất văn bản Word hoặc bảng Excel ra tệp")
    document.add_argument("kind", choices=KINDS)
    document.add_argument("--unit", help="mã đơn vị")
    document.add_argument("--stage", help="khóa giai đoạn như /api/status (q1, h1, r1, …)")
    document.add_argument("--year", type=int, help="năm kế hoạch (mặc định: kế hoạch mới nhất)")
    document.add_argument("-o", "--output", required=True, help="tệp ghi ra")
    document.set_defaults(func=cmd_export)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of `plancascade`."""
    parser = argparse.ArgumentParser(prog="plancascade", description="Kế hoạch CĐS Sơn La")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_first_run(sub)
    init = sub.add_parser("init", help="tạo/nâng cấp cơ sở dữ liệu")
    init.add_argument("--demo", action="store_true", help="nạp dữ liệu mẫu năm 2026")
    init.add_argument("--national", action="store_true",
                      help="cùng --demo: thêm Bộ KHCN và 33 tỉnh mô phỏng (toàn quốc)")
    init.add_argument("--now", help="đồng hồ giả lập (ISO)")
    init.set_defaults(func=cmd_init)
    sub.add_parser("rebuild-status", help="tính lại bảng trạng thái các giai đoạn").set_defaults(
        func=cmd_rebuild_status)
    tick = sub.add_parser("tick", help="kích hoạt các bộ hẹn giờ đến hạn")
    tick.add_argument("--now", help="đồng hồ giả lập (ISO)")
    tick.add_argument("--loop", action="store_true",
                      help="chạy liên tục, mỗi --interval giây một lượt (dừng: SIGTERM/SIGINT)")
    tick.add_argument("--interval", type=float, default=60.0, help="số giây giữa hai lượt")
    tick.set_defaults(func=cmd_tick)
    sim = sub.add_parser("simulate", help="mô phỏng năm kế hoạch")
    sim.add_argument("--units", type=int, default=90)
    sim.add_argument("--late-fraction", type=float, default=0.2)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument(
        "--year", type=int, default=2026, help="năm mô phỏng (kế hoạch mẫu được chuyển sang năm đó)"
    )
    sim.add_argument("--database", help="URL cơ sở dữ liệu (mặc định: tệp SQLite tạm)")
    sim.set_defaults(func=cmd_simulate)
    val = sub.add_parser("validate", help="kiểm tra tệp BPMN")
    val.add_argument("files", nargs="+")
    val.set_defaults(func=cmd_validate)
    serve = sub.add_parser("serve", help="chạy ứng dụng web")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=3)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
