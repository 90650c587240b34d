"""The recovery loop with no Qt in sight: state machine, breathing patterns, settings."""
