"""ASGI entry point: Django for HTTP, Channels for the websockets, and the lifespan
(voting.shutdown: a stopping process finishes the votes it has taken)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from conference.origins import OriginValidator  # noqa: E402
from voting.routing import websocket_urlpatterns  # noqa: E402
from voting.shutdown import lifespan  # noqa: E402

# URLRouter: see voting/routing.py for why its patterns' type is not the stubs' own.
application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "lifespan": lifespan,
        "websocket": OriginValidator(
            SessionMiddlewareStack(URLRouter(websocket_urlpatterns))  # type: ignore[arg-type]
        ),
    }
)
