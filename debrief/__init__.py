"""debrief: turn a lost deal into a lesson."""

__version__ = "0.1.0"
