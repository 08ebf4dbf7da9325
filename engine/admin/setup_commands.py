"""The commands that set an installation up, for the administrator of the server: the first
administrator and passwords (`create-admin`, `set-password`), the Ministry and its provinces
(`add-tenant`, `tenants`), and `--tenant`, which the import commands share."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import sys
from typing import Any, TextIO

from engine.core.errors import FieldErrors, PlancascadeError


def _session():  # type: ignore[no-untyped-def]
    from engine.core.db import make_engine, make_session_factory

    engine = make_engine()
    return engine, make_session_factory(engine)()


def read_password(stdin: TextIO | None = None) -> str:
    """Ask for a password twice on a terminal; otherwise read the first line of standard input."""
    stream = stdin or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise FieldErrors({"password": "Hai lần nhập mật khẩu không khớp"})
        return first
    return stream.readline().rstrip("\r\n")


def refused(exc: PlancascadeError) -> int:
    """Print why a command was refused (each field's message, or the one message); return 2."""
    texts = exc.errors.values() if isinstance(exc, FieldErrors) else [exc.message]
    for text in texts:
        print(f"Lỗi: {text}", file=sys.stderr)
    return 2


TENANT_HELP = "mã tỉnh (hoặc cấp Bộ) làm việc cho, khi hệ thống có nhiều tỉnh"


def scope(session: Any, args: argparse.Namespace) -> None:
    """Work for `--tenant CODE` (a province, or the Ministry) when given."""
    code = getattr(args, "tenant", None)
    if code:
        from engine.admin import tenants
        from engine.core import tenancy

        tenancy.enter(session, tenants.find(session, code).id)


def cmd_add_tenant(args: argparse.Namespace) -> int:
    """Add the Ministry (--nation) or a province under it; print the tree."""
    from engine.admin import tenants
    from engine.core import schema

    engine, session = _session()
    schema.upgrade(engine)
    with session:
        try:
            tenant = tenants.add(session, args.code, args.name, nation=args.nation)
            session.commit()
        except PlancascadeError as exc:
            return refused(exc)
        print(f"Đã thêm {tenant.name} ({tenant.code}).", file=sys.stderr)
    return cmd_tenants(args)


def cmd_tenants(_args: argparse.Namespace) -> int:
    """Print every tenant as one JSON line: code, name, level, parent, units."""
    from engine.admin import tenants

    with _session()[1] as session:
        for row in tenants.listing(session):
            print(json.dumps(dataclasses.asdict(row), ensure_ascii=False))
    return 0


def account_command(args: argparse.Namespace) -> int:
    """create-admin and set-password: read the password, act, print the outcome."""
    from engine.admin import first_run
    from engine.core import schema

    engine, session = _session()
    schema.upgrade(engine)
    with session:
        try:
            scope(session, args)
            password = read_password()
            if args.command == "create-admin":
                row = first_run.create_admin(
                    session, args.username, password, full_name=args.name, unit_code=args.unit
                )
                message = f"Đã tạo tài khoản quản trị {row.username} ({row.unit_name})."
            else:
                first_run.set_password(session, args.username, password)
                message = f"Đã đặt mật khẩu cho {args.username.strip()}."
            session.commit()
        except PlancascadeError as exc:
            return refused(exc)
    print(message, file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add create-admin, set-password, add-tenant and tenants to the `plancascade` parser."""
    admin = sub.add_parser("create-admin", help="tạo tài khoản quản trị đầu tiên")
    admin.add_argument("username")
    admin.add_argument("--name", default="", help="họ và tên")
    admin.add_argument("--unit", help="mã đơn vị (mặc định: đơn vị quản trị hệ thống)")
    admin.add_argument("--tenant", help=TENANT_HELP)
    admin.set_defaults(func=account_command)
    password = sub.add_parser("set-password", help="đặt mật khẩu cho một tài khoản")
    password.add_argument("username")
    password.set_defaults(func=account_command)
    tenant = sub.add_parser("add-tenant", help="thêm cấp Bộ (--nation) hoặc một tỉnh")
    tenant.add_argument("code", help="mã, ví dụ lai-chau")
    tenant.add_argument("name", help="tên, ví dụ \"Tỉnh Lai Châu\"")
    tenant.add_argument("--nation", action="store_true", help="cấp Bộ, trên mọi tỉnh")
    tenant.set_defaults(func=cmd_add_tenant)
    sub.add_parser("tenants", help="liệt kê cấp Bộ và các tỉnh").set_defaults(func=cmd_tenants)
