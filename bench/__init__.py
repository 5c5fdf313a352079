"""Benchmarks: LiftRescue's figures beside raw anchors measured in the same run."""
