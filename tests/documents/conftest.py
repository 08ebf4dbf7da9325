"""Render a .docx to PDF with LibreOffice headless (installed by scripts/libreoffice.sh)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def to_pdf(data: bytes, tmp_path: Path) -> bytes:
    """Return the PDF LibreOffice renders from the .docx `data` (skip when it is missing,
    unless the test script requires it)."""
    office = shutil.which("soffice")
    if office is None:
        if os.environ.get("PLANCASCADE_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required: run scripts/libreoffice.sh")
        pytest.skip("LibreOffice is not installed (scripts/libreoffice.sh installs it)")
    source = tmp_path / "document.docx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return (tmp_path / "document.pdf").read_bytes()
