"""`govreport serve`: the review workspace, a local web app over the store.

Imported only by the ``serve`` command (and its tests): the web stack
(Starlette, uvicorn, Jinja2) is the optional ``serve`` extra and must not slow
down the other commands.
"""

from pipeline.serve.app import ServeConfig, ServeError, check_config, create_app, is_loopback, run

__all__ = ["ServeConfig", "ServeError", "check_config", "create_app", "is_loopback", "run"]
