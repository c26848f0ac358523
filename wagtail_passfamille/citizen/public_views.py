"""Public JSON endpoints of the citizen pages (no personal data in or out)."""

from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from wagtail_passfamille import geo


@require_GET
def communes(request):
    """Birthplace search for the autocomplete: what the "Rechercher" button does without JS."""
    query = request.GET.get("q", "")[:100]
    results = geo.search_communes(query, limit=21) if len(query.strip()) >= 2 else []
    response = JsonResponse(
        {
            "results": [{"code": c.code, "label": c.label} for c in results[:20]],
            # More than 20 match: the citizen is told to refine the search.
            "truncated": len(results) > 20,
        }
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response
