"""Production static files: ES module imports point at the hashed files."""

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from mi_coding.storage import StaticStorage


def test_module_imports_are_rewritten_to_hashed_names(tmp_path):
    source = FileSystemStorage(location=tmp_path / "static")
    source.save("js/lib/queue.mjs", ContentFile(b"export const size = 1;\n"))
    source.save(
        "js/workspace/main.js",
        ContentFile(b'import { size } from "../lib/queue.mjs";\nconsole.log(size);\n'),
    )
    storage = StaticStorage(location=tmp_path / "collected", base_url="/static/")
    paths = {}
    for path in ("js/lib/queue.mjs", "js/workspace/main.js"):
        with source.open(path) as handle:
            storage.save(path, handle)
        paths[path] = (source, path)
    processed = {name: hashed for name, hashed, _ in storage.post_process(paths)}

    main = storage.open(processed["js/workspace/main.js"]).read().decode()
    queue = processed["js/lib/queue.mjs"].rsplit("/", 1)[1]
    assert queue != "queue.mjs"
    assert f'from "../lib/{queue}";' in main
