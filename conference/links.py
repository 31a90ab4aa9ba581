"""The conference's public addresses, from the PUBLIC_BASE_URL setting (never a request's host)."""

from __future__ import annotations

from django.conf import settings

from .models import Conference


def base_url() -> str:
    return str(settings.PUBLIC_BASE_URL).rstrip("/")


def join_address(conference: Conference) -> str:
    """Where a representative joins: the address on the projector and the cards."""
    return f"{base_url()}/c/{conference.slug}/"
