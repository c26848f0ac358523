"""Signal receivers, connected by importing this module from ``AppConfig.ready()``.

- A new submission: the démarche's named agents get an e-mail, queued after commit (the
  submission's transaction decides; an SMTP failure never touches it).
- Admin logins, successful or not, are traced. A failed login records the typed username only
  when it names an existing account: an unknown "username" is often a password typed in the
  wrong field, and must not be kept. The password never is (Django masks it before the signal).
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from wagtail_passfamille.models import AuditRecord, Submission


@receiver(post_save, sender=Submission, dispatch_uid="passfamille_new_submission_notice")
def notify_agents_of_new_submission(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    from wagtail_passfamille.backoffice.tasks import enqueue_new_submission_notice

    transaction.on_commit(partial(enqueue_new_submission_notice, instance.pk), robust=True)


@receiver(user_logged_in, dispatch_uid="passfamille_audit_login")
def trace_login(sender, request, user, **kwargs):
    from wagtail_passfamille.backoffice import audit
    from wagtail_passfamille.security.admin_session import mark_activity

    audit.record(request, AuditRecord.Action.LOGIN, user=user)
    if request is not None and hasattr(request, "session"):
        mark_activity(request)


@receiver(user_login_failed, dispatch_uid="passfamille_audit_login_failed")
def trace_login_failure(sender, credentials, request=None, **kwargs):
    from wagtail_passfamille.backoffice import audit

    User = get_user_model()
    typed = str(
        (credentials or {}).get(User.USERNAME_FIELD) or (credentials or {}).get("username") or ""
    )
    user = User._default_manager.filter(**{User.USERNAME_FIELD: typed}).first() if typed else None
    audit.record(
        request,
        AuditRecord.Action.LOGIN_FAILED,
        user=user,
        username=user.get_username() if user is not None else "",
        detail={} if user is not None else {"unknown_account": True},
    )
