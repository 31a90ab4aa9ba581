"""``manage.py policy_demo``: load the demo's policy book (also done by the demo loader)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from policy.demo import load_policy_demo


class Command(BaseCommand):
    help = "Load the 2025 England conference's resolutions (and a little older policy) into the policy book."

    def handle(self, *args: Any, **options: Any) -> None:
        done = load_policy_demo()
        self.stdout.write(f"Policy demo: {len(done.created)} new, {len(done.changed)} changed.")
