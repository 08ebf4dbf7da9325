"""Shared basics every other part uses: the clock and working-day calendar, errors, the audit
trail, Vietnamese labels and formatting, who may see and do what, accounts and sign-in
throttling, pagination, paths, the database connection and its schema, and which tenant a
session works for.

May import: `models` only (never another engine sub-package).

Modules: accounts, audit, calendars, clock, collation, db, db_faults, errors, formatting, labels,
login_attempts, mail_settings, mail_texts, mail_transport, notice_texts, pagination, paths,
permissions, rate_limit_store, schema, secrets_file, tenancy, text_search, workcalendar.
"""
