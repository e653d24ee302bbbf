import sys

from rhetoric_shift.cli import main

sys.exit(main())
