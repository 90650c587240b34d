"""Which channel commands only read, and which only a running app can carry out.

Kept apart from the command table so the command line can decide where to send a request
without importing the service (a dialer hook's `resilience dialed` stays quick).
"""

from __future__ import annotations

# Questions that only read: with no app running they need no lock and write nothing.
READ_ONLY = frozenset({"status", "followup-list", "playbook-list", "playbook-due"})
# Commands that only mean something to a running app (its windows, its break, its calls).
NEEDS_APP = frozenset(
    {"flag", "dialed", "note", "show", "call-start", "call-end", "unlock", "lock"}
)
