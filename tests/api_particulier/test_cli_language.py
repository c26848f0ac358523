"""The command line's help in French by default, in English when the environment asks for it."""

import argparse

import pytest

from wagtail_passfamille.api_particulier.cli import HELP_EN, build_parser, cli_language, main


def every_help(parser):
    """The parser's help and the help of each of its subcommands."""
    texts = [parser.format_help()]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            texts += [sub.format_help() for sub in action.choices.values()]
    return "\n".join(texts)


@pytest.mark.parametrize(
    "environ, language",
    [
        ({}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANGUAGE": "en", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"PASSFAMILLE_LANGUAGE": "fr", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "C.UTF-8"}, "fr"),
    ],
)
def test_the_language_comes_from_the_environment(environ, language):
    assert cli_language(environ) == language


def test_every_help_text_has_its_english_and_none_is_left_in_french():
    french = " ".join(every_help(build_parser()).split())
    english = " ".join(every_help(build_parser(language="en")).split())
    for source, translation in HELP_EN.items():
        assert " ".join(source.split()) in french, f"unused entry: {source!r}"
        assert " ".join(translation.split()) in english
        if source != translation:
            assert " ".join(source.split()) not in english


def test_help_through_main(capsys):
    assert main(["--help"], environ={"LANG": "en_US.UTF-8"}) == 0
    assert "Queries API Particulier" in capsys.readouterr().out
    assert main(["--help"], environ={}) == 0
    assert "Interroge API Particulier" in capsys.readouterr().out
