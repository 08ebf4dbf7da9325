"""BPMN and SpiffWorkflow mechanics, with no province rule in them: parsing and linting an
upload, the script sandbox (its language, bounded interpreter, functions and timer value
checks), serializing state, the versioned definitions, JSON-Schema forms,
and the runtime adapter that creates, loads, runs and saves one instance with its projections
(human tasks, timers, messages).

May import: `engine.core`, `models`.

Modules: definitions, forms, interpreter, lint, message_index, parse_messages, parsing, runtime,
sandbox, script_functions, script_language, serialization, timer_values, xml_source.
"""
