"""Migration 0008: existing plaintext codes become keyed hashes, and the plaintext column goes.

The printed cards keep working across the upgrade: each code's hash is what a sign-in looks up.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from conference.codes import code_hash

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = ("conference", "0007_user_at_several_conferences")
AFTER = ("conference", "0008_access_code_hash")
migration = importlib.import_module("conference.migrations.0008_access_code_hash")


def columns() -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, "conference_representative")}


@pytest.fixture
def at_0007():
    """The database as it was before the migration; put back to the latest after the test."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    yield executor.loader.project_state([BEFORE])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_data_migration_hashes_every_plaintext_code_and_drops_the_column(at_0007):
    state = at_0007
    old = state.apps
    conference = old.get_model("conference", "Conference").objects.create(name="Before", slug="before")
    lmc = old.get_model("conference", "LMC").objects.create(conference=conference, name="Avon LMC")
    Rep = old.get_model("conference", "Representative")
    printed = {"Dr Old Card": "ABCDEFGH2345", "Dr Other Card": "ZZZZYYYYXXXX"}
    for name, code in printed.items():
        Rep.objects.create(conference=conference, lmc=lmc, name=name, access_code=code)
    assert "access_code" in columns()

    # The schema steps before the data step, then the data step itself, called directly.
    schema_steps, data_step, drop = (
        migration.Migration.operations[:2],
        migration.Migration.operations[2],
        migration.Migration.operations[3],
    )
    with connection.schema_editor() as editor:
        for op in schema_steps:
            new = state.clone()
            op.state_forwards("conference", new)
            op.database_forwards("conference", editor, state, new)
            state = new
    assert data_step.code is migration.hash_existing_codes
    migration.hash_existing_codes(state.apps, None)
    rows = {r.name: r for r in state.apps.get_model("conference", "Representative").objects.all()}
    for name, code in printed.items():
        assert rows[name].access_code is None
        assert rows[name].access_code_hash == code_hash(code) and code not in rows[name].access_code_hash
    with connection.schema_editor() as editor:
        new = state.clone()
        drop.state_forwards("conference", new)
        drop.database_forwards("conference", editor, state, new)
    MigrationExecutor(connection).recorder.record_applied(*AFTER)
    assert "access_code" not in columns() and "access_code_hash" in columns()


def test_after_the_whole_migration_the_printed_card_still_signs_in(at_0007):
    old = at_0007.apps
    conference = old.get_model("conference", "Conference").objects.create(name="Before", slug="before")
    Rep = old.get_model("conference", "Representative")
    Rep.objects.create(conference=conference, name="Dr Upgraded", access_code="KMNPQRST6789")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])
    assert "access_code" not in columns()
    phone = Client()
    assert phone.post(reverse("join", args=["before"]), {"code": "kmnp-qrst-6789"}).status_code == 302
    assert phone.get(reverse("phone", args=["before"])).status_code == 200
