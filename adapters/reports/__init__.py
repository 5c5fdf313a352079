"""Periodic analysis reports (issue 16 item 5): figures, HTML/PDF rendering, the schedule."""
