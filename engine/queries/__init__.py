"""Read models for pages and the API, returned as frozen dataclasses: the inbox and notices,
the supervision matrix and dashboard, unit and instance pages, and what a task page shows
beside its form. Queries read tables; they never load a workflow to list things and never
change data.

May import: `engine.core`, `engine.workflow`, `engine.domain`, `models`.

Modules: audit_search (the audit trail page's search), dashboard, directory, extension_views,
form_context, inbox, instance_views, mail_views, national (the Ministry's roll-up by
province), notices (with each reader's unread ones),
plan_changes (what a unit's plan changed since its previous submission), report_context,
stand_ins (whose work a substitute holds today), supervision, task_pages (what each form's page
shows beside it, by form key), task_views, thread (what people wrote at each step of an
instance, and the one "ký thay" signature), unit_views, widget_context.
"""
