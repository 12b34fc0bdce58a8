"""``python -m cubenet.workshop --requests FD --replies FD``: run one answer for the checker (its child process)."""

import sys

from cubenet.workshop.child import main

sys.exit(main())
