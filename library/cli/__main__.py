"""``python -m library.cli``: the ``library`` command without its console script (tests, checkouts)."""

from library.cli import main

main()
