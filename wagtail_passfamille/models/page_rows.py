"""A page's specific row read with SQL compiled once, rather than on every request.

Every request of a démarche's wizard reads the démarche: Wagtail's ``specific``, some fifty
columns of the page and démarche rows joined. Django compiles that query anew each time, and on
SQLite the compiling costs more than running it (0.43 of 0.72 ms). Here the ORM compiles it once
per thread and model; each read then runs the same SQL with the page's id and builds the instance
as the ORM does: the fields' own converters (``from_db_value``), then ``Model.from_db``.

A model may name fields it reads otherwise when served (``deferred_when_served``): they are
left out of the query, as ``QuerySet.defer()`` leaves them out.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from django.db import connections, router


@dataclass(frozen=True)
class CompiledRead:
    sql: str
    #: the model's fields' attnames, in the order of the selected columns
    attnames: list[str]
    #: {column index: (converters, expression)}, as ``SQLCompiler.get_converters`` gives them
    converters: dict

    def row(self, connection, pk):
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for index, (converters, expression) in self.converters.items():
            for converter in converters:
                row[index] = converter(row[index], expression, connection)
        return row


#: {connection: {model: CompiledRead}}. Connections are per thread: so is what was compiled
#: with them (the converters are bound to the connection's operations).
_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def compiled_read(model, alias) -> CompiledRead:
    connection = connections[alias]
    reads = _COMPILED.setdefault(connection, {})
    if model not in reads:
        # Compiled for one id: its value is a parameter, replaced at every read.
        deferred = getattr(model, "deferred_when_served", ())
        queryset = model._base_manager.db_manager(alias).filter(pk=0).defer(*deferred)
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        if list(params) != [0]:
            raise ValueError(f"Unexpected parameters {params!r} for {model.__name__}")
        columns = [column for column, _sql, _alias in compiler.select]
        attnames = [column.target.attname for column in columns]
        # ``Model.from_db`` takes the row in the order of the model's concrete fields, the
        # deferred ones left out (read when first used, as Django reads deferred fields).
        expected = [f.attname for f in model._meta.concrete_fields if f.name not in deferred]
        if attnames != expected:
            raise ValueError(f"Unexpected columns for {model.__name__}")
        reads[model] = CompiledRead(
            sql=sql, attnames=attnames, converters=compiler.get_converters(columns)
        )
    return reads[model]


def read_specific(page, model):
    """``page`` (a base ``Page`` row) as an instance of ``model``, its specific class; ``None``
    when its row is not found (deleted meanwhile): the caller falls back on Wagtail's way."""
    alias = router.db_for_read(model, instance=page)
    read = compiled_read(model, alias)
    row = read.row(connections[alias], page.pk)
    if row is None:
        return None
    specific = model.from_db(alias, read.attnames, row)
    # As Wagtail's ``get_specific`` does: what the base row carried (a cached parent, cached
    # properties) is kept, the specific row's own values first.
    for name, value in page.__dict__.items():
        specific.__dict__.setdefault(name, value)
    return specific
