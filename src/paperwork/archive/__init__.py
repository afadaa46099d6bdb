"""The archive: files stored once by SHA-256, a catalog in SQLite, a derived full-text index.

    store.py    files by SHA-256 + the catalog tables; knows nothing of the index engine
    extract.py  text from .docx and PDF text layers (NFC), images checked, metadata detection
    textcheck.py  is a PDF text layer usable, or missing / too short / legacy-font mojibake?
    ocr.py      OCRmyPDF + Tesseract (vie) -> PDF/A-2b copy + text; optional extra, imported lazily
    index.py    the index seam: SearchIndex protocol, open_index/create_index/build_index,
                SCHEMA_VERSION and the sentinel (which engine built it), snippets;
                SearchHit dataclasses out; derived data, rebuilt from the catalog
    engines/    whoosh_engine.py (pure Python, default), tantivy_engine.py (compiled,
                optional extra): the only modules importing an engine
    folding.py  Vietnamese folding shared by both engines (đ/Đ/Ð -> d)
    query.py    the archivist's query language parsed into an engine-free Query
    searching.py  open the index once for many searches; the light path of `paperwork search`
    service.py  add (with OCR of scans), ocr again, show/text: store + extract + index
    upkeep.py   verify / reindex (--engine; repairs what a killed add left) / stats
"""
