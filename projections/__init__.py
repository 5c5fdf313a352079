"""Read models built from the ticket and registry streams."""
