"""Records management beside the archive (hồ sơ, registers, the audit trail).

    incoming.py   the incoming-document register (sổ đăng ký văn bản đến): số đến, routing,
                  deadlines, replies; arrivals.py: what the clerk types and the row it keeps
    audit.py      the append-only audit trail (``audit_events``): who did what to which record, when
    settings.py   the workspace's ``[records]`` table (organ id, retention overrides …)

Every module here keeps its tables in the one workspace catalog
(``archive/catalog.sqlite``) and creates them lazily, the first time it
writes; none ever makes a catalog (``db.require``/``db.connect``), so an
unmounted archive folder is reported instead of starting an empty register.
Nothing here prints: the CLI formats the results.
"""
