"""`python -m resilience_app` behaves exactly like the `resilience` command."""

from resilience_app.cli import main

raise SystemExit(main())
