"""The Ministry's guidance cascades to the provinces, each adapts it into its own plan, a unit
of each reports, and the Ministry's roll-up counts them by province."""
from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine.core import clock, tenancy
from engine.core.db import make_session_factory
from engine.queries import national as national_view
from models import Plan, PlanStatus, Report, Tenant, TenantLevel, Unit, UnitPlan
from tests.tenancy.national_state import nation_db  # noqa: F401  (fixture)


def tenant(session: Session, code: str) -> Tenant:
    return session.scalars(select(Tenant).where(Tenant.code == code)).one()


def test_each_province_adapts_the_guidance_into_its_own_plan(nation_db: Engine) -> None:  # noqa: F811
    with make_session_factory(nation_db)() as session:
        nation = tenant(session, "bo-khcn")
        assert nation.level == TenantLevel.NATION
        guidance = session.scalars(select(Plan).where(Plan.tenant_id == nation.id)).one()
        assert guidance.decision_number == "5511/BKHCN-CĐSQG"
        derived = {p.tenant_id: p for p in session.scalars(
            select(Plan).where(Plan.parent_plan_id == guidance.id))}
        son_la, lai_chau, dien_bien = (tenant(session, c) for c in
                                       ("son-la", "lai-chau", "dien-bien"))
        assert set(derived) == {son_la.id, lai_chau.id, dien_bien.id}
        assert derived[son_la.id].decision_number == "33/QĐ-UBND"
        assert derived[lai_chau.id].status == PlanStatus.ISSUED
        assert derived[lai_chau.id].decision_number == "45/QĐ-UBND"
        assert derived[dien_bien.id].status == PlanStatus.DRAFT
        assert len(derived[lai_chau.id].kpis) == len(guidance.kpis) >= 29
        for province in (son_la, lai_chau):  # a unit of each province adopted and reported
            plan = derived[province.id]
            assert (session.scalar(select(func.count(UnitPlan.id)).where(
                UnitPlan.plan_id == plan.id, UnitPlan.tenant_id == province.id)) or 0) > 0
            assert (session.scalar(select(func.count(Report.id)).where(
                Report.plan_id == plan.id, Report.submitted_at.is_not(None),
                Report.tenant_id == province.id)) or 0) > 0
        # every row of a province's plan belongs to that province, as do its units
        for plan in derived.values():
            assert {u.tenant_id for u in session.scalars(select(Unit).join(
                UnitPlan, UnitPlan.unit_id == Unit.id).where(UnitPlan.plan_id == plan.id))} <= {
                plan.tenant_id}


def test_the_ministry_sees_each_province_rolled_up(nation_db: Engine) -> None:  # noqa: F811
    with make_session_factory(nation_db)() as session:
        with tenancy.scoped(session, tenant(session, "bo-khcn").id):
            view = national_view.view(session, national_view.guidance_of(session), clock.today())
        rows = {r.name: r for r in view.provinces}
        assert set(rows) == {"Tỉnh Sơn La", "Tỉnh Lai Châu", "Tỉnh Điện Biên"}
        assert rows["Tỉnh Lai Châu"].units == 18 and rows["Tỉnh Sơn La"].units == 20
        assert rows["Tỉnh Lai Châu"].statuses["done_on_time"] > 0
        assert rows["Tỉnh Sơn La"].statuses["done_on_time"] > 0
        assert rows["Tỉnh Điện Biên"].plan_status == PlanStatus.DRAFT
        assert rows["Tỉnh Điện Biên"].plan_late(view.guidance.adoption_due_date, clock.today())
        assert not rows["Tỉnh Lai Châu"].plan_late(view.guidance.adoption_due_date, clock.today())
        assert [k for k, _ in rows["Tỉnh Sơn La"].reports] == ["q1"]


def test_the_ministry_issues_next_years_guidance_and_every_province_receives_it(
    nation_db: Engine,  # noqa: F811
) -> None:
    from engine.demo.actors import Cast
    from engine.demo.bootstrap import issue_plan
    from engine.processes import plan_import
    from models import HumanTask, ProcessInstance, User

    with make_session_factory(nation_db)() as session:
        ministry = tenant(session, "bo-khcn")
        tenancy.enter(session, ministry.id)
        current = national_view.guidance_of(session)
        guidance = plan_import.copy_plan(session, current.id, 2027, None)
        users = {u.username: u.id for u in session.scalars(select(User))}
        cast = Cast(bot_id=users["bo.admin"], users={("dost_staff", None): users["bo.staff"],
                                                     ("dost_leader", None): users["bo.leader"]})
        guidance.decision_number, guidance.decision_date = "6001/BKHCN-CĐSQG", clock.today()
        issue_plan(session, cast, guidance)
        session.commit()
        assert guidance.status == PlanStatus.ISSUED
        tenancy.enter(session, None)
        received = {p.tenant_id: p for p in session.scalars(
            select(Plan).where(Plan.parent_plan_id == guidance.id))}
        codes = {session.get_one(Tenant, t).code for t in received}
        assert codes == {"son-la", "lai-chau", "dien-bien"}
        assert all(p.status == PlanStatus.DRAFT and p.year == 2027 for p in received.values())
        drafts = session.scalars(select(HumanTask).join(
            ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(
            HumanTask.form_key == "province_plan_draft",
            ProcessInstance.plan_id.in_([p.id for p in received.values()]))).all()
        assert {d.tenant_id for d in drafts} == set(received)  # each province's Sở KHCN drafts
