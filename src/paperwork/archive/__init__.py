"""The archive: files stored once by SHA-256, a catalog in SQLite, a derived full-text index.

    store.py    files by SHA-256 + the catalog tables; knows nothing of the index engine
    extract.py  text from .docx and PDF text layers (NFC), metadata detection from text
    index.py    the Whoosh engine: schema, Vietnamese folding analyzer, SCHEMA_VERSION,
                search -> plain SearchHit dataclasses; derived data, rebuilt from the catalog
    query.py    the archivist's query language parsed into an engine-free Query
"""
