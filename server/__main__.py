"""`python -m server`: serve the site, or run one of the translators' and builders' commands."""

from __future__ import annotations

import sys

from .tools.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
