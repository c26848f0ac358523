"""Agents' back-office: permissions, audit trail, instruction, exports, retention.

Plain Django and Wagtail code; the one module importing ``wagtail_modeladmin`` is
:mod:`wagtail_passfamille.admin`.

May import: everything below it (the pure packages, ``conf``, ``security``, ``sources``,
``services``, ``blocks``, ``models``). Never ``citizen`` nor ``editor``: citizens' files are
read and erased through ``security.private_storage``.
"""
