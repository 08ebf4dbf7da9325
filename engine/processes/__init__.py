"""What moves instances: `lifecycle` starts and advances one instance and queues what its
scripts asked for; `effects` settles that queue (cascades, aggregations, inspections);
`cascade` starts one instance per target unit; `tasks` completes user tasks; `timers` is
`tick`; `messages` routes messages between instances; `reminders` writes reminders and
escalations; `decision_notices` writes the notices of new tasks, returns and decisions; `outbox`
writes every notice and queues its mails; `mail_delivery` sends them.

May import: `engine.core`, `engine.workflow`, `engine.domain`, `models`.

Modules: cascade, decision_notices, effects, guidance (the Ministry's guidance to provinces),
lifecycle, mail_delivery, messages,
notice_reads (each user's notices marked read), outbox, plan_withdrawal, reminders, tasks,
timers.
"""
