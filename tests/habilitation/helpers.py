def tick(page, block_type, data):
    """Give the démarche's certified block ``block_type`` these ticked items (in place)."""
    steps = page.steps.get_prep_value()
    for step in steps:
        for child in step["value"]["fields"]:
            if child["type"] == block_type:
                child["value"]["data"] = list(data)
    page.steps = steps
    return page


def fiche_url(page):
    return f"/admin/passfamille/demarches/{page.pk}/fiche-habilitation/"
