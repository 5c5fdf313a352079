"""The registry that makes dispatch possible: maintenance units, rescue stations, lifts."""
