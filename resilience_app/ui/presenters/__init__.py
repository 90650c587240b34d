"""One presenter per window or area; `ui/presenter.py` builds them and joins them up."""
