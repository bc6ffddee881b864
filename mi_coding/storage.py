"""Static files in production: hashed names, compressed copies, and hashed module imports."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # The workspace's ES modules import each other by relative URL: rewrite those imports to
    # the hashed names too, so a page never combines a new module with a cached old one.
    support_js_module_import_aggregation = True
