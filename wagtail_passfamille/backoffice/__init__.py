"""Agents' back-office: permissions, audit trail, instruction, exports, retention.

Plain Django and Wagtail code; the one module importing ``wagtail_modeladmin`` is
:mod:`wagtail_passfamille.admin`.

May import: everything below it (the pure packages, ``conf``, ``security``, ``sources``,
``services``, ``blocks``, ``models``). Not ``citizen`` nor ``editor``, except the private file
storage of ``citizen.uploads`` (files are written by the citizen's side and erased here).
"""
