"""Resilience: a tray companion for sales reps after a call goes south."""

__version__ = "0.1.0"
APP_NAME = "Resilience"
