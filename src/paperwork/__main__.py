"""`python -m paperwork` runs the CLI."""

from paperwork.cli import main

main()
