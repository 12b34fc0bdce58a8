"""``python -m cubenet.workshop PUZZLE FILE --result OUT``: check one answer (the checker's child process)."""

import sys

from cubenet.workshop.checker import main

sys.exit(main())
