"""``paperwork serve``: the office's web page and JSON API, served by waitress.

waitress is a production WSGI server in pure Python: it runs the same on a Debian server and on
a Windows office PC, with no compiler and no reverse proxy needed on a LAN.
"""

from __future__ import annotations

import click

from ..errors import PaperworkError
from ..i18n import _
from . import cli, get_workspace


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on: 127.0.0.1 is this PC only; 0.0.0.0 (or the PC's address) the office network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests answered at once.")
@click.pass_context
def serve(ctx, host, port, threads) -> None:
    """Serve the web page (search, documents, registers) and the JSON API of this workspace.

    Sign in with a user made by `paperwork user add`. Stop with Ctrl-C.

    Example:

    \b
        paperwork serve
        paperwork serve --host 0.0.0.0 --port 8080
    """
    try:
        import waitress
    except ImportError:
        raise click.ClickException("the web page needs its extra: pip install 'paperwork[web]'") from None
    from ..web import create_app

    ws = get_workspace(ctx)
    app = create_app(ws)
    try:  # listen first: a port in use is one line, before "serving" is said
        server = waitress.create_server(app, host=host, port=port, threads=threads, ident="paperwork",
                                        max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024)
    except OSError as e:
        raise PaperworkError(_("cannot listen on {host}:{port}: {reason} (is paperwork serve already running? "
                               "give another --port)").format(host=host, port=port, reason=e.strerror or e)) from e
    click.echo(_("paperwork: serving {root} on http://{host}:{port}/ (Ctrl-C stops)").format(
        root=ws.root, host=host, port=port), err=True)
    server.run()
