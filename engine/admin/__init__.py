"""Registries and support operations for administrators: users, units, substitutes, BPMN
drafts and process versions, instance search and operations, migration between versions.

May import: `engine.core`, `engine.workflow`, `engine.domain`, `engine.processes`,
`engine.queries`, `models`.

Modules: drafts, instance_ops, instance_search, migration, process_versions, substitutions,
setup_commands (the server administrator's commands: first account, tenants), tenants (the
Ministry and its provinces), units, users.
"""
