"""Where the project's data folders live (bpmn/, bpmn/forms/, the shipped demo data)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BPMN_DIR = PROJECT_ROOT / "bpmn"
FORMS_DIR = BPMN_DIR / "forms"
DATA_DIR = Path(__file__).resolve().parent / "data"
INSTANCE_DIR = PROJECT_ROOT / "instance"
