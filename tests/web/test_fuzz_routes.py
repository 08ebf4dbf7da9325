"""Fuzzing every route of the app (issue 10, item 3): no request is ever answered with a 5xx.

Every rule of `app.url_map` is requested, as an anonymous visitor and as several roles, with
generated path parameters (huge and negative numbers, Unicode digits, 5,000-digit strings,
text, NUL), query strings, form bodies and JSON bodies (deep nesting, NaN, lists where strings
are expected, NUL, lone surrogates, invalid UTF-8). The API and the modeler's JSON routes must
answer JSON. A deterministic sweep sends one hostile request per route and role, then
Hypothesis draws the rest; CSRF is off in the test config, so form bodies reach the routes,
and one sweep runs with CSRF on. Run with `-s` to see the figures: requests made, 5xx.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from engine.core.paths import FORMS_DIR
from models import HumanTask, HumanTaskStatus, Plan, ProcessInstance, Unit, User
from web.params import IdConverter

ROLES = (None, "muong-la.staff", "muong-la.leader", "skhcn.staff", "skhcn.leader",
         "ubnd.leader", "inspector", "admin")
# ending the clients' own sessions would only make the rest of the run anonymous
SKIPPED = frozenset({"auth.logout", "api.logout", "static"})
JSON_ENDPOINTS = frozenset({"admin.save_draft", "admin.validate_process", "admin.deploy_process",
                            "instances.show_diagram"})
ARGUMENT = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?(\w+)>")
FUZZ = settings(deadline=None, derandomize=False, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

HOSTILE_IDS = ("0", "-1", "2147483648", "9223372036854775808", "99999999999999999999",
               "9" * 5000, "²", "١٢", "1e3", "0x1F", " 7", "1.5", "\x00", "abc")
HOSTILE_TEXT = ("\x00", "a\x00b", "/\r\nSet-Cookie: x=1", "//evil.example", "\\\\evil",
                "javascript:alert(1)", "nan", "NaN", "inf", "-1e999", "1e400", "😀" * 50,
                "Đồng ý", "x" * 3000, "../../etc/passwd", "' OR 1=1 --", "%00", "\u202e")
REAL_KEYS = ("unit_plan", "province_plan", "quarterly_report", "muong-la", "so-tai-chinh",
             "Q1", "q1-2026", "adoption", "I.1")
QUERY_NAMES = ("page", "plan", "offset", "limit", "unit", "q", "kind", "status", "round", "tab",
               "from", "to", "version", "mode", "instance", "target", "process", "preview",
               "next", "ended", "active", "role", "sort", "order", "quick")
FORM_NAMES = ("action", "next", "source", "instance_id", "requested_due", "reason", "decision",
              "comment", "unit_ids", "code", "name", "kind", "parent_id", "unit_id", "username",
              "password", "definition_id", "instance_ids", "absent_user_id",
              "substitute_user_id", "starts_on", "ends_on", "current_password",
              "new_password", "confirm_password", "file", "active", "roles", "subkind", "email",
              "number", "issued_on", "issuer", "subject", "due_date", "scope", "questions",
              "quarterly-applies", "quarterly-due_day", "quarterly-reporters")


def _form_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the task forms' field names, and the flat names of their rows' fields."""
    names: set[str] = set()
    rows: set[str] = set()
    for path in FORMS_DIR.glob("*.schema.json"):
        for name, prop in json.loads(path.read_text(encoding="utf-8"))["properties"].items():
            names.add(name)
            items = prop.get("items") if isinstance(prop, dict) else None
            for sub in (items or {}).get("properties", {}) if isinstance(items, dict) else ():
                rows.update({f"{name}-0-{sub}", f"{name}-1-{sub}", f"{name}-0-{sub}[]"})
    return tuple(sorted(names)), tuple(sorted(rows))


TASK_FIELDS, TASK_ROWS = _form_fields()

# --- strategies ----------------------------------------------------------------------------

ids = st.one_of(st.integers(1, 400).map(str), st.sampled_from(HOSTILE_IDS),
                st.integers().map(str), st.text(max_size=12))
texts = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE_TEXT), ids)
queries = st.dictionaries(st.sampled_from(QUERY_NAMES), texts, max_size=4)
form_values = st.one_of(texts, st.lists(texts, min_size=2, max_size=3))
forms = st.dictionaries(st.sampled_from(FORM_NAMES + TASK_FIELDS + TASK_ROWS), form_values,
                        max_size=6)
json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(HOSTILE_TEXT),
                        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(TASK_FIELDS + ("username", "password", "xml",
                                                       "comment", "file", "dry_run")) | st.text(
            max_size=8), inner, max_size=5)),
    max_leaves=20)
RAW_BODIES = (
    "[" * 5000 + "]" * 5000, '{"a":' * 40 + "1" + "}" * 40, '{"notes": NaN}',
    '{"username": Infinity, "password": "x"}', '{"value": 1e999}', '{"n": ' + "9" * 5000 + "}",
    '{"username": "\\ud800", "password": "\\udfff"}', '{"xml": "\\ud83d"}', '{"notes": "a\\u0000"}',
    '{"notes": ["a", "b"], "comments": {"x": 1}, "decision": ["approve"]}', '{"xml": ' + "[1]}",
    "", "null", "[]", '"text"', "{", '{"username": "admin", "password": "demo"}',
)
bodies: st.SearchStrategy[str | bytes] = st.one_of(
    json_values.map(json.dumps), st.sampled_from(RAW_BODIES),
    st.just(b'{"notes": "\xff\xfe"}'), st.binary(max_size=40))


# --- the fuzzer ----------------------------------------------------------------------------


@dataclass
class Tally:
    """What the module sent and how often the app failed."""

    requests: int = 0
    server_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    routes: set[str] = field(default_factory=set)


TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    """Print the module's figures for the closing note."""
    yield
    spread = ", ".join(f"{code}: {n}" for code, n in sorted(TALLY.statuses.items()))
    print(f"\nfuzz: {TALLY.requests} requests over {len(TALLY.routes)} routes, "
          f"{TALLY.server_errors} answered 5xx ({spread})")


def path_of(rule: Rule, values: dict[str, str]) -> str:
    """Return `rule`'s path with `values` put in its arguments, percent-encoded."""
    return ARGUMENT.sub(lambda m: quote(values[m.group(2)], safe=""), rule.rule)


def is_id(rule: Rule, name: str) -> bool:
    """Tell whether the argument `name` of `rule` is read by the id converter."""
    return isinstance(rule._converters.get(name), IdConverter)


class Fuzzer:
    """The app's routes and a signed-in client per role; `send` checks every answer."""

    def __init__(self, app: Flask, signed_in: Callable[[str], FlaskClient],
                 known: list[str]) -> None:
        self.clients = {role: signed_in(role) if role else app.test_client() for role in ROLES}
        self.rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED),
                            key=lambda r: r.rule)
        self.ids = st.one_of(st.sampled_from(known), ids)  # real rows first, then anything

    def methods(self, rule: Rule) -> list[str]:
        """Return the methods `rule` answers (HEAD and OPTIONS aside)."""
        return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})

    def send(self, rule: Rule, method: str, role: str | None, values: dict[str, str],
             query: dict[str, str], form: dict[str, Any] | None = None,
             body: str | bytes | None = None) -> int:
        """Send one request; fail on a 5xx, or on a non-JSON answer from a JSON route."""
        path = path_of(rule, values)
        options: dict[str, Any] = {"query_string": query}
        if body is not None:
            options.update(data=body, content_type="application/json")
        elif form is not None:
            options["data"] = form
        response = self.clients[role].open(path, method=method, **options)
        status = response.status_code
        TALLY.requests += 1
        TALLY.routes.add(rule.endpoint)
        TALLY.statuses[status] = TALLY.statuses.get(status, 0) + 1
        if status >= 500:
            TALLY.server_errors += 1
        assert status < 500, f"{role} {method} {path} {query!r} {form!r} {body!r:.200} → {status}"
        wants_json = rule.rule.startswith("/api/") or (
            rule.endpoint in JSON_ENDPOINTS and body is not None and status >= 400)
        if wants_json and status != 302:
            assert response.is_json, f"{method} {path} → {status} {response.content_type}"
        return status


def known_ids(session: Session) -> list[str]:
    """Return the ids of rows the routes can find: ready tasks, instances, units, users, plans."""
    rows = [select(HumanTask.id).where(HumanTask.status == HumanTaskStatus.READY),
            select(ProcessInstance.id), select(Unit.id), select(User.id), select(Plan.id)]
    return sorted({str(i) for query in rows for i in session.scalars(query)}, key=int)


@pytest.fixture
def fuzzer(app: Flask, signed_in: Callable[[str], FlaskClient],
           fresh: Callable[[], Session]) -> Fuzzer:
    """A fuzzer on the issued 2026 plan."""
    with fresh() as session:
        return Fuzzer(app, signed_in, known_ids(session))


def draw_values(data: st.DataObject, fuzzer: Fuzzer, rule: Rule) -> dict[str, str]:
    """Draw a value for each argument of `rule`: an id-like one, a real key, or any text."""
    return {name: data.draw(fuzzer.ids if is_id(rule, name) else
                            st.one_of(st.sampled_from(REAL_KEYS), texts), label=name)
            for name in rule.arguments}


# --- the sweeps ----------------------------------------------------------------------------


def test_every_route_and_role_survives_hostile_values(fuzzer: Fuzzer) -> None:
    for index, rule in enumerate(fuzzer.rules):
        for method in fuzzer.methods(rule):
            for turn, role in enumerate(ROLES):
                hostile = HOSTILE_IDS[(index + turn) % len(HOSTILE_IDS)]
                values = {name: hostile if is_id(rule, name) else REAL_KEYS[turn % 4]
                          for name in rule.arguments}
                query = {"page": "9" * 5000, "plan": hostile, "offset": "99999999999999999999",
                         "next": "/\r\nX: 1", "q": "\x00" if turn == 3 else "Mường"}
                form = {"next": "/\r\nSet-Cookie: x=1", "action": "draft", "notes": ["a", "b"],
                        "source": hostile, "instance_id": hostile, "unit_ids": [hostile, "2"]}
                body = RAW_BODIES[(index + turn) % len(RAW_BODIES)]
                fuzzer.send(rule, method, role, values, query,
                            form=form if method != "GET" and turn % 2 else None,
                            body=body if method != "GET" and not turn % 2 else None)


def test_every_post_with_csrf_on_is_refused_cleanly(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    for rule in csrf_app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.endpoint in SKIPPED:
            continue
        path = path_of(rule, {name: "1" if is_id(rule, name) else "unit_plan"
                              for name in rule.arguments})
        for options in ({"data": {"notes": "\x00", "next": "//evil"}},
                        {"data": "[" * 3000, "content_type": "application/json"}):
            response = client.post(path, **options)  # type: ignore[arg-type]
            TALLY.requests += 1
            TALLY.routes.add(rule.endpoint)
            TALLY.statuses[response.status_code] = TALLY.statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, f"POST {path} {options!r:.80}"


@settings(FUZZ, max_examples=250)
@given(data=st.data())
def test_fuzzed_pages_and_queries_never_fail(fuzzer: Fuzzer, data: st.DataObject) -> None:
    rule = data.draw(st.sampled_from([r for r in fuzzer.rules if "GET" in (r.methods or ())]))
    role = data.draw(st.sampled_from(ROLES))
    fuzzer.send(rule, "GET", role, draw_values(data, fuzzer, rule), data.draw(queries))


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_fuzzed_form_posts_never_fail(fuzzer: Fuzzer, data: st.DataObject) -> None:
    rule = data.draw(st.sampled_from([r for r in fuzzer.rules if "POST" in (r.methods or ())]))
    role = data.draw(st.sampled_from(ROLES))
    fuzzer.send(rule, "POST", role, draw_values(data, fuzzer, rule), data.draw(queries),
                form=data.draw(forms))


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_fuzzed_json_posts_never_fail(fuzzer: Fuzzer, data: st.DataObject) -> None:
    posts = [r for r in fuzzer.rules if "POST" in (r.methods or ())]
    json_first = [r for r in posts if r.rule.startswith("/api/") or r.endpoint in JSON_ENDPOINTS]
    rule = data.draw(st.one_of(st.sampled_from(json_first), st.sampled_from(posts)))
    role = data.draw(st.sampled_from(ROLES))
    fuzzer.send(rule, "POST", role, draw_values(data, fuzzer, rule), data.draw(queries),
                body=data.draw(bodies))
