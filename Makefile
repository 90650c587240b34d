# The two commands a new user needs: `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
export VENV

.PHONY: run test test-package package icons install uninstall setup setup-dev lint bench screenshots clean

## run: set everything up and start Resilience in the tray
run: $(VENV)/.run-ready
	scripts/run.sh

## test: set everything up (virtual desktop included) and run every test
test: $(VENV)/.dev-ready
	scripts/system-deps.sh test
	$(PY) -m ruff check resilience_app resources tests scripts bench packaging
	$(PY) -m ruff format --check resilience_app resources tests scripts bench packaging
	$(PY) -m mypy
	$(PY) -m pytest $(PYTEST_ARGS)

## package: a standalone one-folder app for this platform, in dist/Resilience (PyInstaller)
package: $(VENV)/.dev-ready
	$(PY) -m pip install --quiet --disable-pip-version-check "pyinstaller>=6.10"
	$(PY) packaging/build.py

## test-package: build the bundle (or reuse an up-to-date one) and smoke-test it
test-package: package
	scripts/system-deps.sh test
	$(PY) -m pytest -m package tests/package $(PYTEST_ARGS)

## install: install Resilience for this user with pipx (or pip --user), plus its launcher
install:
	scripts/system-deps.sh run
	if command -v pipx >/dev/null; then pipx install --force .; else python3 -m pip install --user .; fi
	scripts/desktop-integration.sh install "$$(command -v resilience || echo $$HOME/.local/bin/resilience)"

## uninstall: remove the app and its launcher; your journal stays where it is
uninstall:
	scripts/desktop-integration.sh remove
	if command -v pipx >/dev/null && pipx list --short | grep -q '^resilience '; then pipx uninstall resilience; else python3 -m pip uninstall -y resilience || true; fi

## icons: re-render the PNG icons from resources/icons/*.svg
icons: $(VENV)/.dev-ready
	$(PY) scripts/render_icons.py

## screenshots: retake docs/screenshots/*.png on a virtual desktop
screenshots: $(VENV)/.dev-ready
	scripts/system-deps.sh test
	$(PY) scripts/screenshots.py

## bench: start-up and memory vs an empty tray app; storage at 1k-50k calls; Insights at 50k
bench: $(VENV)/.dev-ready
	scripts/system-deps.sh test
	$(PY) bench/startup.py
	$(PY) bench/storage.py
	$(PY) bench/insights.py

setup: $(VENV)/.run-ready
setup-dev: $(VENV)/.dev-ready

$(VENV)/.run-ready: pyproject.toml scripts/setup-venv.sh
	scripts/system-deps.sh run
	scripts/setup-venv.sh
	touch $@

$(VENV)/.dev-ready: pyproject.toml scripts/setup-venv.sh
	scripts/system-deps.sh run
	scripts/setup-venv.sh dev
	touch $@ $(VENV)/.run-ready

lint: $(VENV)/.dev-ready
	$(PY) -m ruff check resilience_app resources tests scripts bench packaging
	$(PY) -m mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
