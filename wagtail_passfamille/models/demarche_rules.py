"""What a démarche knows about its rules and certified data (kept apart from the page model)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille import sources
from wagtail_passfamille.blocks import children_fields
from wagtail_passfamille.blocks.pickers import stream_child_error
from wagtail_passfamille.blocks.rules_messages import problem_message
from wagtail_passfamille.blocks.schema import CERTIFIED_BLOCKS, all_inputs, iter_inputs
from wagtail_passfamille.blocks.steps import answer_specs
from wagtail_passfamille.models.outcomes import available_certified
from wagtail_passfamille.rules import validate_gate, validate_grids


class DemarcheRulesMixin:
    """Helpers of ``DemarchePage`` about certified data, gates and grids."""

    def _certified_block(self, block_type):
        """The démarche's certified-data block of that type, from the decoded steps."""
        for _name, step_value in self.step_blocks:
            for item in iter_inputs(step_value):
                if item.block_type == block_type:
                    return item
        return None

    def children_block(self):
        """The certified block whose source's children are matched with the registered ones."""
        for source in sources.all_sources():
            if source.children_datum:
                block = self._certified_block(source.block_type)
                if block is not None:
                    return block
        return None

    def children_fields(self):
        """The certified block's children group and fields (``blocks.children_fields``); without
        one, the démarche's only repeatable group (its children's ages are still a datum).
        Found once per live revision where the wizard serves it (``use_shared_steps``)."""
        if "shared_children_fields" in self.__dict__:
            return self.__dict__["shared_children_fields"]
        block = self.children_block()
        found = children_fields.resolve(self.steps, block.value) if block else None
        if found is None and self.children_group.strip():
            named = {"children_group": self.children_group.strip()}
            found = children_fields.resolve(self.steps, named)
        elif found is None:  # inferred: only a group that holds children
            found = children_fields.resolve(self.steps, {"data": ["enfants"]})
            if found is not None and not children_fields.looks_like_children(self.steps, found):
                found = None
        return found

    def children_group_name(self) -> str | None:
        if self.children_group.strip():
            return self.children_group.strip()
        found = self.children_fields()
        return found.group if found else None

    def child_birth_date_field(self) -> str:
        found = self.children_fields()
        return (found.birth_date if found else None) or "date_naissance"

    def child_first_name_field(self) -> str:
        found = self.children_fields()
        return (found.first_name if found else None) or "prenom"

    def certified_scopes(self) -> set[str]:
        """The API scopes this démarche's blocks need (what the town asks DataPass for)."""

        scopes = set()
        for _i, _s, item in all_inputs(self.steps):
            if item.block_type in CERTIFIED_BLOCKS:
                scopes.update(sources.scopes_of(item.name, item.value.ticked))
        return scopes

    def rules_errors(self) -> dict:
        """Gates and grids read variables the démarche really has: refuse the others."""

        available, missing = available_certified(self)
        answers = answer_specs(self.steps)
        specs = {**answers, **available}
        errors = {}

        def explain(variable):
            kind, _source, scopes = missing[variable]
            if kind == "block":
                return _(
                    "« %(variable)s » vient d'un bloc de données certifiées absent des étapes."
                ) % {"variable": variable}
            return _(
                "« %(variable)s » demande %(scopes)s : cochez la donnée correspondante dans le "
                "bloc de données certifiées (l'adresse demande le droit « cnaf_adresse », que "
                "beaucoup d'habilitations DataPass n'ont pas)."
            ) % {"variable": variable, "scopes": ", ".join(scopes)}

        # (index of the gate or grid, message, sub-block): shown where the editor changes it.
        gate_messages = []
        for index, child in enumerate(self.eligibility):
            gate = child.value.as_gate()
            if gate is None:
                continue
            for variable in gate.rule.variables():
                if variable in missing:
                    gate_messages.append((index, explain(variable), "condition"))
            problems = [
                p
                for p in validate_gate(gate, specs, children_group=self.children_group_name() or "")
                if p.is_error and p.params.get("variable") not in missing
            ]
            gate_messages.extend((index, problem_message(p), "condition") for p in problems)
        if gate_messages:
            errors["eligibility"] = self._located(*gate_messages[0])
        grids = [child.value.as_grid() for child in self.tariffs]
        grid_messages = [
            (index, explain(g.variable), "variable")
            for index, g in enumerate(grids)
            if g.variable in missing
        ]
        grid_messages += [
            (p.path[0] if p.path else None, problem_message(p), _grid_field(p))
            for p in validate_grids(grids, specs)
            if p.is_error and p.params.get("variable") not in missing
        ]
        if grid_messages:
            errors["tariffs"] = self._located(*grid_messages[0])
        return errors

    @staticmethod
    def _located(index, message, field):
        if not isinstance(index, int):
            return message
        return stream_child_error(index, message, field)

    def check_frozen_names(self):
        """Refuse renaming a field once submissions exist: stored answers keep their keys."""
        if not self.pk or not self.get_submission_class().objects.filter(page=self).exists():
            return
        # Compare with both the live version and the latest draft, read afresh from the
        # database (get_latest_revision_as_object() returns the object itself when there is no
        # draft, and this object already holds the edited values).
        stored = type(self).objects.get(pk=self.pk)
        before = {}
        for version in (stored, stored.get_latest_revision_as_object()):
            for _i, _s, item in all_inputs(version.steps):
                before.setdefault(item.block_id, item.name)
        renamed = [
            (before[item.block_id], item.name)
            for _i, _s, item in all_inputs(self.steps)
            if item.block_id in before and before[item.block_id] != item.name
        ]
        if renamed:
            old, new = renamed[0]
            raise ValidationError(
                {
                    "steps": _(
                        "Le nom technique « %(old)s » ne peut plus être changé en « %(new)s » : "
                        "des demandes ont déjà été enregistrées avec ce nom. Modifiez plutôt le "
                        "libellé."
                    )
                    % {"old": old, "new": new}
                }
            )


def _grid_field(problem):
    """The grid's simple sub-block a page-wide problem is about (its « Donnée »…), else None:
    the message then heads the grid."""
    simple = ("variable", "name", "title", "unit", "default_bracket", "default_amount")
    return problem.path[1] if len(problem.path) > 1 and problem.path[1] in simple else None
