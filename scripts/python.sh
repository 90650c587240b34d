# shellcheck shell=bash
# Sourced by the set-up scripts: which Python runs Resilience, and what it lacks.
#   pick_python        prints the first Python >= 3.11 ($PYTHON first), or fails
#   python_venv_pkg PY prints the Debian package that gives PY its venv module, if missing

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# Debian and Ubuntu ship `venv` without `ensurepip` (so `python3 -m venv` fails) until
# python3-venv (for the default python3) or python3.X-venv is installed.
python_venv_pkg() {
  local py=$1 real default version
  "$py" -c 'import ensurepip, venv' >/dev/null 2>&1 && return 0
  real=$(readlink -f "$(command -v "$py")")
  default=$(readlink -f /usr/bin/python3 2>/dev/null || true)
  if [ "$real" = "$default" ]; then
    echo python3-venv
  else
    version=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    echo "python$version-venv"
  fi
}

# PyInstaller (make package, make deb) bundles the interpreter's shared library; Debian's
# python3.X keeps it in the package libpython3.X, which a minimal system lacks. Prints that
# package when PY is Debian's and the library is missing.
python_shlib_pkg() {
  local py=$1 lib
  lib=$("$py" -c 'import os, sysconfig as s
print(os.path.join(s.get_config_var("LIBDIR") or "", s.get_config_var("INSTSONAME") or ""))' 2>/dev/null) || return 0
  [ -e "$lib" ] && return 0
  case "$(readlink -f "$(command -v "$py")")" in
    /usr/bin/python3.*) "$py" -c 'import sys; print("libpython%d.%d" % sys.version_info[:2])' ;;
  esac
}
