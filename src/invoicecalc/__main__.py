"""``python -m invoicecalc``: the same as the ``invoicecalc`` command."""

import sys

from ._cli import main

sys.exit(main())
