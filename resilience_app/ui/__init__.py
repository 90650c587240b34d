"""Thin Qt views: they render state and forward clicks; the core decides."""
