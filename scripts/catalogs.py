"""Run the ``catalogs`` command group from a checkout without installing it: ``python scripts/catalogs.py check``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from library.cli.catalogs import catalogs  # noqa: E402

if __name__ == "__main__":
    catalogs(prog_name="catalogs")
