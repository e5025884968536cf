"""Allow ``python -m debrief``."""

from debrief.cli import main

main()
