"""tco_report: GPU servers and cost per request / per million tokens for LLM serving, from benchmark results.

The Python API lives in :mod:`tco_report.api`; ``from tco_report import api`` in a notebook.
"""

__version__ = "0.1.0"
