"""Versioned schema: numbered migrations (NNNN_name.sql or .py) applied in order by runner.py."""
