"""Which methods a path answers: the ``Allow`` header of 405 responses and of ``OPTIONS``.

Starlette answers a wrong method with the methods of the first route whose path matched
(``Allow: GET`` on ``/v1/documents``, which also takes POST); here every route of the app is
asked, method by method (FastAPI's included routers answer ``matches`` but do not list methods).
"""

from __future__ import annotations

from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Scope

_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def allowed_methods(app: ASGIApp, scope: Scope) -> list[str]:
    """Methods some route of ``app`` accepts at ``scope['path']`` (with OPTIONS), sorted; [] when none."""
    routes = getattr(getattr(app, "router", None), "routes", [])
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, Mount):  # the static files: a mount matches every method
            if route.matches({**scope, "method": "GET"})[0] != Match.NONE:
                methods |= {"GET", "HEAD"}
            continue
        methods |= {m for m in _METHODS if route.matches({**scope, "method": m})[0] == Match.FULL}
    return sorted(methods | {"OPTIONS"}) if methods else []
