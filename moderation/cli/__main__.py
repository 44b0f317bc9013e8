"""`python -m moderation.cli` runs the `moderate` command."""

from . import main

main(prog_name="moderate")
