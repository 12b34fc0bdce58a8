"""``python -m cubenet`` runs the command line."""

from cubenet.cli import main

main()
