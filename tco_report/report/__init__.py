"""The report's writers and what they share (this package is owned by the report rewrite; the explorer adds to it)."""
