"""What each process means: the records a stage keeps (plans, unit plans, reports,
inspections, the province roll-up, extensions), its dates and rounds, its verdicts and
statuses, the units it targets, and the prefill/apply of each form (`form_handlers`, one
entry per form key). Domain code records and computes; it never starts or advances an
instance.

May import: `engine.core`, `engine.workflow`, `models`.

Modules: adhoc, aggregation, deadlines (the one rule for dates users enter: deadlines between
today and the plan's year end, past facts not in the future), extensions, form_handlers,
inspections, kpis, levels (the tenant tree: a nation and its provinces), notice_links (where
a notice leads its reader), plan_copies (a plan made from another), plan_layout, plan_rows,
plan_targets, plan_workbook, province_plans, regime_settings, regimes, reports, rounds,
stage_counts (how many units each bucket of stage-status facts holds, kept by deltas),
stage_projection (the stage-status facts, kept by session events in the transaction that
changes them), stages (a plan's stages and whom each asks), status (the one rule of the
statuses), submissions, targets, unit_plans.
"""
