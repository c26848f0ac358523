"""Seed the demo content of "Ville de Démoville", idempotently.

Running it again keeps what is there: it creates what is missing and never duplicates a page,
a setting or an account. Later features add their démarches to the same command.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from demo.models import HomePage
from demo.seed.cantine import cantine_fields
from demo.seed.pass_famille import pass_famille_fields
from wagtail_passfamille.blocks.steps import show_children_fields
from wagtail_passfamille.models import DemarchePage, PassFamilleSettings, PortailFamillePage

DEMO_SIRET = "21990999900019"  # fictional, passes the Luhn check
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD_DEFAULT = "demoville"  # noqa: S105 (demo account on 127.0.0.1 only)


class Command(BaseCommand):
    help = "Crée (ou complète) le contenu de démonstration de la Ville de Démoville."

    def add_arguments(self, parser):
        parser.add_argument("--no-admin", action="store_true", help="ne pas créer le compte admin")

    @transaction.atomic
    def handle(self, *args, **options):
        home = self.ensure_home_page()
        site = self.ensure_site(home)
        self.ensure_settings(site)
        portal = self.ensure_portal(home)
        self.ensure_demarche(
            portal,
            slug="restauration-scolaire",
            **cantine_fields(),
            service_contact="Service enfance de Démoville\n1 place de la Mairie, 99000 Démoville\n"
            "enfance@demoville.example — 01 23 45 67 89",
            credential_profile="demo",
            france_connect="propose",
        )
        self.ensure_demarche(
            portal,
            slug="pass-famille-2027",
            **pass_famille_fields(),
            service_contact="Centre communal d'action sociale de Démoville\n"
            "ccas@demoville.example — 01 23 45 67 00",
            credential_profile="demo",
            france_connect="propose",
        )
        if not options["no_admin"]:
            self.ensure_admin()
        self.stdout.write(self.style.SUCCESS("Contenu de démonstration prêt."))

    def ensure_home_page(self):
        home = HomePage.objects.first()
        if home:
            return home
        root = Page.get_first_root_node()
        home = HomePage(
            title="Bienvenue à Démoville",
            slug="accueil",
            intro="<p>Inscrivez vos enfants à la cantine, au centre de loisirs, et demandez "
            "le Pass Famille, sans fournir d'attestation CAF ni d'avis d'imposition.</p>",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        return home

    def ensure_site(self, home):
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True
            )
        if site.root_page_id != home.pk or site.site_name != "Ville de Démoville":
            site.root_page = home
            site.site_name = "Ville de Démoville"
            site.save()
        # The welcome page of a fresh Wagtail install is no longer reachable: drop it.
        for page in Page.objects.filter(depth=2).exclude(pk=home.pk).specific():
            if type(page) is Page and page.slug == "home":
                page.delete()
        return site

    def ensure_settings(self, site):
        settings = PassFamilleSettings.for_site(site)
        changed = False
        defaults = {
            "collectivite": "Ville de Démoville",
            "siret": DEMO_SIRET,
            "dpo_name": "Délégué à la protection des données de Démoville",
            "dpo_email": "dpo@demoville.example",
            "technical_contact_name": "Service informatique",
            "technical_contact_email": "informatique@demoville.example",
        }
        for field, value in defaults.items():
            if not getattr(settings, field):
                setattr(settings, field, value)
                changed = True
        if changed:
            settings.full_clean()
            settings.save()

    def ensure_portal(self, home):
        portal = PortailFamillePage.objects.child_of(home).first()
        if portal:
            return portal
        portal = PortailFamillePage(
            title="Démarches famille",
            slug="demarches",
            intro="<p>Un seul portail, plusieurs démarches : cantine, centre de loisirs, "
            "Pass Famille.</p>",
        )
        home.add_child(instance=portal)
        portal.save_revision().publish()
        return portal

    def ensure_demarche(self, portal, *, slug, **fields):
        if DemarchePage.objects.child_of(portal).filter(slug=slug).exists():
            return
        demarche = DemarchePage(slug=slug, **fields)
        # What the editor's form stores at save: the children's group and fields it found.
        show_children_fields(demarche.steps)
        portal.add_child(instance=demarche)
        demarche.save_revision().publish()

    def ensure_admin(self):
        User = get_user_model()
        if User.objects.filter(username=ADMIN_USERNAME).exists():
            return
        password = os.environ.get("DEMO_ADMIN_PASSWORD", ADMIN_PASSWORD_DEFAULT)
        User.objects.create_superuser(
            ADMIN_USERNAME, email="admin@demoville.example", password=password
        )
