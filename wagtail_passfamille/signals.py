"""Signal receivers, connected by importing this module from ``AppConfig.ready()``.

- A new submission, or a citizen's answer to « à compléter »: the démarche's named agents get
  an e-mail, queued after commit (the submission's transaction decides; an SMTP failure never
  touches it).
- Admin logins, successful or not, are traced. A failed login records the typed username only
  when it names an existing account: an unknown "username" is often a password typed in the
  wrong field, and must not be kept. The password never is (Django masks it before the signal).
- Every change of a second-factor device (django-otp) is traced: created, confirmed, its key or
  owner changed, deleted — whoever does it, from the admin, Django's admin or a shell. Saves
  that only move django-otp's counters (last code used, throttling) are not changes.
"""

from __future__ import annotations

from functools import partial

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from wagtail_passfamille.backoffice.tasks import enqueue_new_submission_notice
from wagtail_passfamille.models import AuditRecord, Submission, audit_trail
from wagtail_passfamille.models.backoffice import completion_received
from wagtail_passfamille.security.admin_session import current_request, mark_activity


@receiver(post_save, sender=Submission, dispatch_uid="passfamille_new_submission_notice")
def notify_agents_of_new_submission(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return

    transaction.on_commit(partial(enqueue_new_submission_notice, instance.pk), robust=True)


@receiver(completion_received, dispatch_uid="passfamille_completion_notice")
def notify_agents_of_completion(sender, completion, submission, **kwargs):
    transaction.on_commit(
        partial(enqueue_new_submission_notice, submission.pk, "completed"), robust=True
    )


@receiver(user_logged_in, dispatch_uid="passfamille_audit_login")
def trace_login(sender, request, user, **kwargs):

    audit_trail.record(request, AuditRecord.Action.LOGIN, user=user)
    if request is not None and hasattr(request, "session"):
        mark_activity(request)


@receiver(user_login_failed, dispatch_uid="passfamille_audit_login_failed")
def trace_login_failure(sender, credentials, request=None, **kwargs):

    User = get_user_model()
    typed = str(
        (credentials or {}).get(User.USERNAME_FIELD) or (credentials or {}).get("username") or ""
    )
    user = User._default_manager.filter(**{User.USERNAME_FIELD: typed}).first() if typed else None
    audit_trail.record(
        request,
        AuditRecord.Action.LOGIN_FAILED,
        user=user,
        username=user.get_username() if user is not None else "",
        detail={} if user is not None else {"unknown_account": True},
    )


# --- Second-factor devices -------------------------------------------------------------------

_DEVICE_FIELDS = ("confirmed", "user_id", "key")


def _device_state(instance) -> dict:
    return {name: getattr(instance, name, None) for name in _DEVICE_FIELDS}


def _trace_device(instance, event: str) -> None:
    audit_trail.record(
        current_request(),
        AuditRecord.Action.OTP_DEVICE,
        detail={
            "event": event,
            "device": instance._meta.label_lower,
            "device_id": instance.pk,
            "owner_id": getattr(instance, "user_id", None),
        },
    )


def remember_device_state(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    attnames = {field.attname for field in sender._meta.concrete_fields}
    fields = [name for name in _DEVICE_FIELDS if name in attnames]
    before = sender._default_manager.filter(pk=instance.pk).values(*fields).first()
    instance._passfamille_before = before


def trace_device_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        _trace_device(instance, "created_confirmed" if instance.confirmed else "created")
        return
    before = getattr(instance, "_passfamille_before", None) or {}
    after = _device_state(instance)
    if before.get("confirmed") != after["confirmed"]:
        _trace_device(instance, "confirmed" if after["confirmed"] else "unconfirmed")
    if before.get("user_id") != after["user_id"]:
        _trace_device(instance, "reassigned")
    if "key" in before and before["key"] != after["key"]:
        _trace_device(instance, "key_changed")


def trace_device_delete(sender, instance, **kwargs):
    _trace_device(instance, "deleted")


def connect_device_audit() -> None:
    """Connect the device receivers to every concrete django-otp device model installed."""
    if not apps.is_installed("django_otp"):
        return
    from django_otp.models import Device

    for model in apps.get_models():
        if issubclass(model, Device) and not model._meta.abstract:
            uid = f"passfamille_otp_{model._meta.label_lower}"
            pre_save.connect(remember_device_state, sender=model, dispatch_uid=uid + "_pre")
            post_save.connect(trace_device_save, sender=model, dispatch_uid=uid + "_save")
            post_delete.connect(trace_device_delete, sender=model, dispatch_uid=uid + "_delete")


connect_device_audit()
