"""Where the project's data folders live (bpmn/, bpmn/forms/, the instance folder)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BPMN_DIR = PROJECT_ROOT / "bpmn"
FORMS_DIR = BPMN_DIR / "forms"
INSTANCE_DIR = PROJECT_ROOT / "instance"
