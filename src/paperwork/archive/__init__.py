"""The archive: files stored once by SHA-256, a catalog in SQLite, a derived full-text index.

    store.py    files by SHA-256 + the catalog tables; knows nothing of the index engine
    extract.py  text from .docx and PDF text layers (NFC), images checked, metadata detection
    textcheck.py  is a PDF text layer usable, or missing / too short / legacy-font mojibake?
    ocr.py      OCRmyPDF + Tesseract (vie) -> PDF/A-2b copy + text; optional extra, imported lazily
    index.py    the Whoosh engine: schema, Vietnamese folding analyzer, SCHEMA_VERSION,
                search -> plain SearchHit dataclasses; derived data, rebuilt from the catalog
    query.py    the archivist's query language parsed into an engine-free Query
"""
