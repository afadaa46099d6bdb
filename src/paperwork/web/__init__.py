"""The office's web page and JSON API (``paperwork serve``): the only place that imports Flask.

Thin over the library: every page calls the same functions as the CLI (``archive.service``,
``archive.searching``, ``register``, ``records``, ``users``), never SQL or index engines of its own.

    app = create_app(workspace, testing=False, login_limit="10 per minute;50 per hour")

built fresh from the workspace (no module-level state: the workspace, the navigation, the per-thread
index searchers and the background OCR live on ``app.extensions["paperwork"]``, a ``WebState``).

Adding pages (a guide for whoever adds the registers, dossiers, issuing …)
------------------------------------------------------------------------
1. A module ``web/<group>.py`` with plain view functions and ``register(app)``, which makes a
   *fresh* ``Blueprint`` (one per app: tests make many apps), adds the URL rules, registers it,
   and puts its pages in the navigation bar::

       def register(app) -> None:
           bp = Blueprint("registers", __name__, url_prefix="/registers")
           bp.add_url_rule("/outgoing", "outgoing", outgoing)
           app.register_blueprint(bp)
           add_nav(app, "registers.outgoing", N_("Outgoing register"), "read", order=20)

   then add ``"<group>"`` to ``MODULES`` in ``web/app.py``. The bar shows an entry only when its
   endpoint exists and the signed-in user's role allows its permission: no dead links.
2. Helpers (``from .helpers import …``):
   ``requires(permission)``  decorator: signed in (else /login, or 401 for the API) and the role
                             allows it (else 403); permissions in ``users.PERMISSIONS``: read,
                             search, issue, register-incoming, upload, dossiers, retention,
                             transfer, users, settings
   ``the_user()``            the ``users.User`` of the request (page session or API token)
   ``workspace()``           the ``Workspace``;   ``state()`` the ``WebState``
   ``readable_document(id)`` the catalog record, or 404 (unknown, or restricted from this user)
   ``event(action, kind, id, details)``  an audit event; the actor is the signed-in user
                             (every request runs inside ``audit.acting_as``, so the library's
                             own events name her too)
   ``flash_ok(msg)`` / ``flash_error(msg)``  messages shown once on the next page
   ``page_number()``, ``Page.of(items, number, size)``, ``Page.url(n)``  paging (``_pager.html``)
   ``searcher()``            this thread's open index, for many searches
   ``_``, ``N_``             the gettext catalogue (``paperwork.i18n``); in templates
                             ``{{ _("Search") }}``; the request's language comes from the
                             browser's Accept-Language, Vietnamese unless English is preferred
3. Templates in ``web/templates/``: ``{% extends "base.html" %}``, fill ``{% block title %}`` and
   ``{% block content %}``; autoescaping is on; every form posts ``{{ csrf_token() }}`` as
   ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">`` (Flask-WTF's CSRFProtect
   refuses a form without it). No inline scripts or styles (the Content-Security-Policy forbids
   them): CSS in ``static/style.css``, scripts as files in ``static/``.
4. Errors: raise the library's ``InputError`` (400 with its message, JSON in the API) or use
   ``abort(403/404)``; the app renders them once (``error.html``).
"""

from __future__ import annotations

from .app import MODULES, create_app

__all__ = ["MODULES", "create_app"]
