"""Transcript pages: browsing, uploading with a preview, editing the parse, audio, deleting."""
