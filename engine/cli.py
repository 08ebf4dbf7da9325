"""The `plancascade` console script."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from engine.core import clock


def _session(url: str | None = None):  # type: ignore[no-untyped-def]
    from engine.core.db import make_engine, make_session_factory

    engine = make_engine(url)
    return engine, make_session_factory(engine)()


def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema; deploy processes; with --demo load and play the demo."""
    from engine.core import schema
    from engine.workflow import definitions

    if args.now:
        clock.set_now(args.now)
    engine, session = _session()
    schema.upgrade(engine)
    with session:
        definitions.deploy_builtin(session)
        session.commit()
        if args.demo:
            from engine.demo import install as demo

            result = demo.load(session)
            print(json.dumps(result, ensure_ascii=False))
    print("Cơ sở dữ liệu đã sẵn sàng.", file=sys.stderr)
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    """Fire due timers once (or forever with --loop)."""
    from engine.processes import timers

    if args.now:
        clock.set_now(args.now)
    engine, session = _session()
    while True:
        with session:
            result = timers.tick(session)
        print(
            json.dumps(
                {
                    "now": clock.now().isoformat(),
                    "due_instances": result.due_instances,
                    "advanced": result.advanced,
                }
            ),
            flush=True,
        )
        if not args.loop:
            return 0
        time.sleep(args.interval)


def cmd_simulate(args: argparse.Namespace) -> int:
    """Play the plan with scripted actors on a fresh database and print a JSON summary."""
    from engine.core import schema
    from engine.demo import simulation

    if not 0 <= args.late_fraction <= 1:
        print("--late-fraction phải nằm trong khoảng 0..1", file=sys.stderr)
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


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web app on gunicorn (a production WSGI server)."""
    command = [
        "gunicorn",
        "--workers",
        str(args.workers),
        "--bind",
        f"{args.host}:{args.port}",
        "web.wsgi:app",
    ]
    os.execvp(command[0], command)
    return 0  # pragma: no cover - execvp does not return


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of `plancascade`."""
    parser = argparse.ArgumentParser(prog="plancascade", description="Kế hoạch CĐS Sơn La")
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="tạo/nâng cấp cơ sở dữ liệu")
    init.add_argument("--demo", action="store_true", help="nạp dữ liệu mẫu năm 2026")
    init.add_argument("--now", help="đồng hồ giả lập (ISO)")
    init.set_defaults(func=cmd_init)
    tick = sub.add_parser("tick", help="kích hoạt các bộ hẹn giờ đến hạn")
    tick.add_argument("--now", help="đồng hồ giả lập (ISO)")
    tick.add_argument("--loop", action="store_true")
    tick.add_argument("--interval", type=float, default=60.0)
    tick.set_defaults(func=cmd_tick)
    sim = sub.add_parser("simulate", help="mô phỏng năm kế hoạch")
    sim.add_argument("--units", type=int, default=90)
    sim.add_argument("--late-fraction", type=float, default=0.2)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--year", type=int, default=2026, choices=[2026])
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
