"""BPMN and SpiffWorkflow mechanics, with no province rule in them: parsing and linting an
upload, the script sandbox, serializing state, the versioned definitions, JSON-Schema forms,
and the runtime adapter that creates, loads, runs and saves one instance with its projections
(human tasks, timers, messages).

May import: `engine.core`, `models`.

Modules: definitions, forms, lint, message_index, parsing, runtime, sandbox, serialization.
"""
