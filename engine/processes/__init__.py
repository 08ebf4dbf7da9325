"""What moves instances: `lifecycle` starts and advances one instance and queues what its
scripts asked for; `effects` settles that queue (cascades, aggregations, inspections);
`cascade` starts one instance per target unit; `tasks` completes user tasks; `timers` is
`tick`; `messages` routes messages between instances; `reminders` writes the outbox.

May import: `engine.core`, `engine.workflow`, `engine.domain`, `models`.

Modules: cascade, effects, lifecycle, messages, plan_withdrawal, reminders, tasks, timers.
"""
