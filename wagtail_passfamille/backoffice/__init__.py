"""Agents' back-office: permissions, audit trail, instruction, exports, retention.

Plain Django and Wagtail code; the one module importing ``wagtail_modeladmin`` is
:mod:`wagtail_passfamille.admin`.
"""
