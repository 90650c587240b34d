"""Storage boundary: the only package that knows TinyDB and the files on disk."""
