import copy
import socket

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from wagtail_passfamille.models import DemarchePage
from wagtail_passfamille.services import forget_clients

PASSWORD = "correct horse battery staple"


@pytest.fixture
def seeded(db, sandbox):
    call_command("seed_demo", "--no-admin", verbosity=0)


@pytest.fixture
def cantine(seeded):
    return DemarchePage.objects.get(slug="restauration-scolaire")


@pytest.fixture
def pass_famille(seeded):
    return DemarchePage.objects.get(slug="pass-famille-2027")


@pytest.fixture
def set_profile(settings):
    """Change the "demo" profile of the sandbox fixture: ``set_profile(TOKEN=…)``."""

    def change(section="API_PARTICULIER", **values):
        profiles = copy.deepcopy(settings.WAGTAIL_PASSFAMILLE_CREDENTIALS)
        profiles["demo"][section].update(values)
        settings.WAGTAIL_PASSFAMILLE_CREDENTIALS = profiles
        forget_clients()
        return profiles["demo"]

    return change


@pytest.fixture
def closed_port_url():
    """A loopback URL where nothing listens: the connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def make_user(username, *, superuser=False, page_editor=False, instructs=None):
    """An admin user: superuser, editor of every page, or instructor of one démarche only."""
    from wagtail.models import GroupPagePermission, Page

    from wagtail_passfamille.models import DemarcheGroupPermission

    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    group = Group.objects.create(name=f"groupe-{username}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    if page_editor:
        root = Page.objects.get(depth=1)
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=group, page=root, permission=Permission.objects.get(codename=codename)
            )
    if instructs is not None:
        DemarcheGroupPermission.objects.create(group=group, page=instructs)
    user.groups.add(group)
    return user


@pytest.fixture
def superuser_client(client, seeded):
    client.force_login(make_user("root", superuser=True))
    return client
