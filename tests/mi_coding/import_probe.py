"""Which heavy libraries a fresh process loads, and through which of the project's modules.

    python tests/mi_coding/import_probe.py pages
    python tests/mi_coding/import_probe.py commands
    python tests/mi_coding/import_probe.py manage.py check

``pages`` does what a web worker does before and around its first request: sets Django up
(models, admin), loads the URLconf and every view it names, and the template engine with
every tag library. ``commands`` loads every management command of the project's apps, as
``manage.py <command> --help`` does. Anything else runs ``manage.py`` with those arguments.
The last line printed is JSON: {library: "first.importer → ... → last.importer"}.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "pingouin",
    "matplotlib",
    "krippendorff",
    "plotly",
    "openpyxl",
    "docx",
    "sklearn",
    "joblib",
    "celery",
)


def _ours(path: str) -> bool:
    """Whether a file or folder belongs to the project (its virtualenv may sit inside it)."""
    return path.startswith(str(ROOT)) and "site-packages" not in path


def _project_frames() -> list[str]:
    """The project's modules on the stack, outermost first, each once in a row."""
    names: list[str] = []
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        name = frame.f_globals.get("__name__", "?")
        if _ours(filename) and filename != __file__ and (not names or names[-1] != name):
            names.append(name)
        frame = frame.f_back
    return names[::-1]


class Watch:
    """A meta path finder that finds nothing: it only notes who asked for a heavy library
    first, then lets the real finders load it."""

    def __init__(self) -> None:
        self.importers: dict[str, str] = {}

    def find_spec(
        self, name: str, path: object = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        top = name.partition(".")[0]
        if top in HEAVY and top not in self.importers and top not in sys.modules:
            self.importers[top] = " → ".join(_project_frames()) or "(outside the project)"
        return None


def load_pages() -> None:
    import django

    django.setup()
    from django.template import engines
    from django.urls import URLResolver, get_resolver

    def callbacks(resolver: URLResolver) -> list[object]:
        found = []
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                found += callbacks(pattern)
            else:
                found.append(pattern.callback)
        return found

    assert callbacks(get_resolver())
    assert engines.all()  # making the Django engine imports every app's tag libraries


def load_commands() -> None:
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import get_commands, load_command_class

    ours = {app.name for app in apps.get_app_configs() if _ours(app.path)}
    assert "reliability" in ours and "django.contrib.auth" not in ours
    for name, app in get_commands().items():
        if app in ours:
            load_command_class(app, name)


def main(argv: list[str]) -> None:
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mi_coding.settings")
    watch = Watch()
    sys.meta_path.insert(0, watch)  # type: ignore[arg-type]
    if argv == ["pages"]:
        load_pages()
    elif argv == ["commands"]:
        load_commands()
    else:
        sys.argv = [str(ROOT / "manage.py"), *argv[1:]]
        runpy.run_path(str(ROOT / "manage.py"), run_name="__main__")
    loaded = {name: watch.importers.get(name, "?") for name in HEAVY if name in sys.modules}
    print(json.dumps(loaded))


if __name__ == "__main__":
    main(sys.argv[1:])
