"""The shipped 2026 Sơn La data (`data/*.json`), the demo's bootstrap, the scripted actors
that play a year through the same engine API as users, and the simulator. Nothing outside
this package imports it except `engine.cli` (and tests and the benchmark).

May import: every other engine sub-package, `models`.

Modules: actors, actuals, bootstrap, install, numbering, progress, province_actors,
scripted_year, seed_data, simulation, texts, unit_reports, year_summary.
"""
