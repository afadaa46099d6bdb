"""``/incoming/new``: a văn thư uploads a document that arrived and sees its số đến at once.

A plain form (a file and the optional fields of ``paperwork incoming add``); scans are OCRed in the
background afterwards (uploads.py). The fuller incoming pages (the register, drag-and-drop of
several scans, routing) come later in this package.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .helpers import N_, _, add_nav, flash_error, requires, workspace


@requires("upload")
def new():
    if request.method == "GET":
        return render_template("incoming_new.html", form={}, report=None)
    from .uploads import register_incoming

    report = register_incoming(request.files.get("file"), request.form)
    for refused in report.refused:
        flash_error(refused.reason)
    for failure in report.failed:
        flash_error(_("{reason}; no số đến given").format(reason=failure.reason))
    status = 201 if report.registered else 409 if report.refused else 422
    return render_template("incoming_new.html", form=request.form, report=report,
                           agency=workspace().agency), status


def register(app) -> None:
    bp = Blueprint("incoming", __name__, url_prefix="/incoming")
    bp.add_url_rule("/new", "new", new, methods=["GET", "POST"])
    app.register_blueprint(bp)
    add_nav(app, "incoming.new", N_("Register incoming"), "upload", order=30)
