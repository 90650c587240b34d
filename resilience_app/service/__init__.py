"""The application service: every use case of the app, written once, with no Qt in it.

The windows present it, the command channel and the CLI call into it; it is the only
thing above the core that talks to storage.
"""

from resilience_app.core.errors import UserError
from resilience_app.service.service import Service

__all__ = ["Service", "UserError"]
