"""Shared basics every other part uses: the clock and working-day calendar, errors, the audit
trail, Vietnamese labels and formatting, who may see and do what, accounts, pagination, paths,
the database connection and its schema.

May import: `models` only (never another engine sub-package).

Modules: accounts, audit, calendars, clock, db, errors, formatting, labels, notice_texts,
pagination, paths, permissions, schema, secrets_file, workcalendar.
"""
