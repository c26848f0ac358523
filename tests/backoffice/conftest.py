import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from wagtail_passfamille.editor.starters.raw import field, group, step
from wagtail_passfamille.models import (
    DemarcheGroupPermission,
    DemarchePage,
    PortailFamillePage,
    Submission,
)

from ..demarches.helpers import Citizen, enfants

PASSWORD = "correct horse battery staple"


@pytest.fixture
def private_dir(settings, tmp_path):
    settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")},
    }
    return tmp_path / "private"


def backoffice_steps():
    """A small démarche of every kind of answer the back-office shows, no certified block:
    these tests do not depend on the demo's démarches as they evolve."""
    return [
        step(
            "Responsable légal",
            [
                field("texte_court", "Nom", "nom_demandeur", is_applicant_name=True),
                field("texte_court", "Prénom", "prenom_demandeur", autocomplete="given-name"),
                field("email", "Adresse e-mail", "email", is_contact=True),
                field("telephone", "Téléphone", "telephone", required=False),
                field("adresse", "Adresse du domicile", "adresse", required=False),
            ],
        ),
        step(
            "Enfants",
            [
                group(
                    "Enfants à inscrire",
                    "enfants",
                    [
                        field("texte_court", "Prénom", "prenom"),
                        field("date", "Date de naissance", "date_naissance", not_in_future=True),
                    ],
                    item_label="Enfant",
                    add_label="Ajouter un enfant",
                ),
            ],
        ),
        step(
            "Pièces",
            [
                field("fichier", "Justificatif de domicile", "justificatif", required=False),
                field("texte_long", "Remarques", "remarques", required=False),
            ],
        ),
        step("Engagement", [field("case_a_cocher", "J'atteste sur l'honneur", "attestation")]),
    ]


def add_demarche(slug, title, prefix, **fields):
    portal = PortailFamillePage.objects.get()
    page = DemarchePage(
        slug=slug,
        title=title,
        reference_prefix=prefix,
        steps=backoffice_steps(),
        service_contact=f"Service {title}",
        **fields,
    )
    portal.add_child(instance=page)
    page.save_revision().publish()
    return DemarchePage.objects.get(pk=page.pk)


@pytest.fixture
def demarche_a(db, private_dir):
    call_command("seed_demo", "--no-admin", verbosity=0)
    return add_demarche(
        "garderie",
        "Garderie périscolaire 2026-2027",
        "GARD",
        status_email_statuses=["en_instruction", "a_completer", "acceptee"],
    )


@pytest.fixture
def demarche_b(demarche_a):
    return add_demarche("centre-de-loisirs", "Centre de loisirs 2026-2027", "LOIS")


def make_user(username, *, page=None, superuser=False, admin_access=True, page_editor=False):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    user = User.objects.create_user(
        username, f"{username}@example.org", PASSWORD, first_name=username.title()
    )
    group = Group.objects.create(name=f"groupe-{username}")
    if admin_access:
        group.permissions.add(Permission.objects.get(codename="access_admin"))
    if page is not None:
        DemarcheGroupPermission.objects.create(group=group, page=page)
    if page_editor:
        from wagtail.models import GroupPagePermission, Page

        root = Page.objects.get(depth=1)
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=group, page=root, permission=Permission.objects.get(codename=codename)
            )
    user.groups.add(group)
    return user


@pytest.fixture
def users(demarche_a, demarche_b):
    return {
        "superuser": make_user("root", superuser=True),
        "agent_a": make_user("agent_a", page=demarche_a),
        "agent_b": make_user("agent_b", page=demarche_b),
        "editor": make_user("editor", page_editor=True),
        "anonymous": None,
    }


def submit(
    page,
    *,
    nom="Durand",
    prenom="Camille",
    email="famille@example.org",
    children=(("Léa", "2018-05-14"),),
    file=None,
    remarques="",
    client=None,
):
    """A real submission through the wizard, as a citizen makes it; returns it."""
    citizen = Citizen(page, client)
    citizen.start()
    posts = [
        (
            "etape-1",
            {
                "nom_demandeur": nom,
                "prenom_demandeur": prenom,
                "email": email,
                "telephone": "06 12 34 56 78",
                "adresse_0": "3 rue des Lilas",
                "adresse_1": "",
                "adresse_2": "99000",
                "adresse_3": "Démoville",
            },
        ),
        ("etape-2", enfants(*({"prenom": p, "date_naissance": d} for p, d in children))),
        (
            "etape-3",
            {"justificatif": file, "remarques": remarques} if file else {"remarques": remarques},
        ),
        ("etape-4", {"attestation": "on"}),
    ]
    for slug, values in posts:
        response = citizen.post(slug, values)
        assert response.status_code == 302, (slug, response.content.decode()[-3000:])
    response = citizen.post("recapitulatif", {})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert response["Location"].endswith("/confirmation/"), response["Location"]
    return Submission.objects.order_by("-pk").first()


@pytest.fixture
def submission_a(demarche_a):
    return submit(demarche_a)


@pytest.fixture
def submission_b(demarche_b):
    return submit(demarche_b, nom="Martin", prenom="Paul")
