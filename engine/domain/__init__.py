"""What each process means: the records a stage keeps (plans, unit plans, reports,
inspections, the province roll-up, extensions), its dates and rounds, its verdicts and
statuses, the units it targets, and the prefill/apply of each form (`form_handlers`, one
entry per form key). Domain code records and computes; it never starts or advances an
instance.

May import: `engine.core`, `engine.workflow`, `models`.

Modules: aggregation, extensions, form_handlers, inspections, kpis, province_plans, reports,
rounds, status, submissions, targets, unit_plans.
"""
