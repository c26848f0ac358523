"""The export's sheet writer against XlsxWriter's: the same cells read back, every kind of
string and number, and none of XlsxWriter's raw XML for « <r>…</r> »."""

import io
import zipfile

import xlsxwriter
from openpyxl import load_workbook

from wagtail_passfamille.backoffice.export_xlsx import xlsx_file

TRICKY = [
    "Léa",
    " espace devant",
    "espace derrière ",
    "ligne\nsuivante",
    "\ttabulation",
    "contrôle\x01\x1f\r",
    "_x0041_ reste du texte",
    "_X004a_",
    "a & b < c > d \"e\" 'f'",
    "non-caractères \ufffe \uffff",
    "émoji 😀",
    "=1+1",
    "'=1+1",
    "0612345678",
    "1e5",
]
NUMBERS = [0, 7, -3, 2**53 + 1, 10**20, 1.5, 0.1 + 0.2, 1e-7, 123456789.123]


def cells(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet.dimensions


def by_xlsxwriter(rows):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet("Demandes")
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, str):
                if value:
                    sheet.write_string(number, column, value.translate(CONTROL))
            elif value is not None:
                sheet.write_number(number, column, value)
    workbook.close()
    return buffer.getvalue()


CONTROL = {code: None for code in range(32) if chr(code) not in "\n\t"}


def test_the_same_cells_as_xlsxwriter():
    rows = [["Référence", "Valeur", "Nombre"]]
    rows += [[f"R-{i}", text, NUMBERS[i % len(NUMBERS)]] for i, text in enumerate(TRICKY)]
    rows += [[None, "", None], ["", "seule", ""], [None, None, 4]]
    assert cells(xlsx_file(iter(rows), "Demandes").read()) == cells(by_xlsxwriter(rows))


def test_too_long_strings_are_cut_at_excels_limit_of_utf16_units():
    """(XlsxWriter cuts at 32 767 UTF-16 units since 3.2, at 32 767 characters before.)"""
    fits = "a" + "😀" * 16_383  # 32 767 units
    rows = [["x" * 40_000, "😀" * 20_000, fits, "b" + fits]]
    assert cells(xlsx_file(iter(rows), "Demandes").read())[0] == [
        ["x" * 32_767, "😀" * 16_383, fits, "ba" + "😀" * 16_382]  # no half character
    ]


def test_an_empty_export_and_a_single_cell():
    assert cells(xlsx_file(iter([]), "Demandes").read()) == cells(by_xlsxwriter([]))
    assert cells(xlsx_file(iter([["A"]]), "Demandes").read()) == cells(by_xlsxwriter([["A"]]))


def test_rich_string_markup_is_text():
    evil = '<r><t>a</t></r></is></c><c r="Z1"><f>HYPERLINK("http://evil.example")</f></c><r>x</r>'
    content = xlsx_file(iter([[evil, "<r></r>"]]), "Demandes").read()
    assert cells(content)[0] == [[evil, "<r></r>"]]
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
