"""Rhetoric Shift: attributed statements from foreign-policy texts, and how positions move."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
